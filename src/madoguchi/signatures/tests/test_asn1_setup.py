"""asn1crypto's lazy per-class set-up is done once at start (signatures/asn1_setup.py), so two
threads signing at once never read a half-built OID map."""

import asn1crypto.cms
import asn1crypto.core
import asn1crypto.x509

from madoguchi.signatures.asn1_setup import _subclasses, prepare_all


def test_every_asn1_class_is_set_up_when_the_app_has_started():
    not_ready = [
        cls
        for cls in _subclasses(asn1crypto.core.Asn1Value)
        if hasattr(cls, "_setup")
        and cls not in asn1crypto.core._SETUP_CLASSES
        and cls is not asn1crypto.core.Choice  # abstract: no alternatives to map
    ]
    assert not_ready == []
    # The maps the signing path reads are whole: the reverse map names every OID.
    for cls in (asn1crypto.cms.ContentType, asn1crypto.x509.NameType):
        assert cls._reverse_map is not None
        assert len(cls._reverse_map) == len(set(cls._map.values()))
    assert prepare_all() == 0  # a second run finds nothing left to do
