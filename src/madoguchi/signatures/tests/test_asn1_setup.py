"""asn1crypto's lazy per-class set-up is done in one thread before threads use the classes
(signatures/asn1_setup.py), so signatures verified in several threads at once never read a
half-built OID map."""

import os
import subprocess
import sys

import asn1crypto.cms
import asn1crypto.core
import asn1crypto.x509

from madoguchi.signatures import asn1_setup
from madoguchi.signatures.asn1_setup import _subclasses, prepare_all, pyhanko_ready


def _not_ready() -> list[type]:
    return [
        cls
        for cls in _subclasses(asn1crypto.core.Asn1Value)
        if cls not in asn1crypto.core._SETUP_CLASSES
        and cls is not asn1crypto.core.Choice  # abstract: no alternatives to map
    ]


def test_after_preparing_no_class_is_left_to_set_up():
    pyhanko_ready()
    prepare_all()  # classes that other tests' imports brought in since
    assert _not_ready() == []
    assert asn1_setup._pyhanko_prepared
    # The maps the signing path reads are whole: the reverse map names every OID.
    for cls in (asn1crypto.cms.ContentType, asn1crypto.x509.NameType):
        assert cls._reverse_map is not None
        assert len(cls._reverse_map) == len(set(cls._map.values()))
    assert prepare_all() == 0  # a second run finds nothing left to do


def test_a_new_process_has_asn1crypto_ready_once_django_has_started():
    """In a fresh process (no test has imported anything yet) the app's start prepares
    asn1crypto's classes, and the first validation prepares pyhanko's."""
    script = (
        "import django, asn1crypto.core as c;"
        "django.setup();"
        "from madoguchi.signatures.asn1_setup import _subclasses, pyhanko_ready;"
        "left = lambda: [k for k in _subclasses(c.Asn1Value)"
        " if k not in c._SETUP_CLASSES and k is not c.Choice];"
        "print(len(left()));"
        "pyhanko_ready();"
        "print(len(left()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "madoguchi.config.settings_test",
        },
    ).stdout.split()
    assert out == ["0", "0"]
