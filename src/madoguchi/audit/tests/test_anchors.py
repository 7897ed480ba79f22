"""Anchors: signed chain heads outside the database catch what the chains alone cannot."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from madoguchi.audit.anchors import audit_anchor_publish, audit_anchor_verify
from madoguchi.audit.models import AuditEvent
from madoguchi.audit.selectors import audit_chain_verify
from madoguchi.audit.services import audit_record

CHIYODA = "131016"
YOKOHAMA = "141003"
TABLE = AuditEvent._meta.db_table


@pytest.fixture(autouse=True)
def anchor_store(settings, tmp_path):
    """An empty anchor store and a signing key of this test's own."""
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "anchor-key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.AUDIT_ANCHOR_SIGNING_KEY_FILE = str(path)
    settings.STORAGES = {
        **settings.STORAGES,
        "audit_anchors": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "anchors")},
        },
    }
    return tmp_path / "anchors"


def record(code: str, n: int) -> AuditEvent:
    return audit_record(action=f"test.{n}", municipality_code=code, data={"n": n})


def delete(sequence: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE sequence = %s", [sequence])  # noqa: S608


def verify_command() -> str:
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_without_an_anchor_the_log_verifies_and_says_the_newest_events_are_unchecked():
    record(CHIYODA, 1)
    report = audit_anchor_verify()
    assert (report.ok, report.anchors) == (True, 0)
    assert "no audit anchor published yet" in verify_command()


@pytest.mark.django_db
def test_an_anchor_names_every_chain_head_and_later_events_still_verify():
    first = [record(CHIYODA, 1), record(YOKOHAMA, 2), record(CHIYODA, 3), record("", 4)]
    published = audit_anchor_publish()
    assert (published.chains, published.events) == (3, 4)
    document = json.loads(storages["audit_anchors"].open(published.name).read())
    heads = document["anchor"]["heads"]
    assert heads[CHIYODA] == {"sequence": first[2].sequence, "hash": first[2].hash, "count": 2}
    assert heads[""]["count"] == 1
    record(CHIYODA, 5)  # after the anchor: the chain covers it
    report = audit_anchor_verify()
    assert (report.ok, report.anchors, report.chains) == (True, 1, 3)
    assert f"matches the newest anchor {published.name}" in verify_command()


@pytest.mark.django_db
def test_removing_the_newest_event_of_a_chain_is_reported_by_the_anchor_check():
    record(CHIYODA, 1)
    newest = record(CHIYODA, 2)
    record(YOKOHAMA, 3)
    audit_anchor_publish()
    delete(newest.sequence)
    assert audit_chain_verify().ok  # the chain alone cannot see it
    report = audit_anchor_verify()
    assert not report.ok
    assert report.chain == CHIYODA
    assert f"event #{newest.sequence} (missing)" in report.problem
    with pytest.raises(CommandError, match=rf"chain {CHIYODA}\).*#{newest.sequence}"):
        verify_command()


@pytest.mark.django_db
def test_removing_a_whole_chain_is_reported():
    record(CHIYODA, 1)
    only = record(YOKOHAMA, 2)
    audit_anchor_publish()
    delete(only.sequence)
    assert audit_chain_verify().ok
    report = audit_anchor_verify()
    assert (report.ok, report.chain) == (False, YOKOHAMA)


@pytest.mark.django_db
def test_an_altered_anchor_or_one_signed_with_another_key_is_refused(
    anchor_store, settings, tmp_path
):
    record(CHIYODA, 1)
    published = audit_anchor_publish()
    path = anchor_store / published.name
    document = json.loads(path.read_bytes())
    document["anchor"]["heads"][CHIYODA]["count"] = 7
    path.write_bytes(json.dumps(document).encode())
    report = audit_anchor_verify()
    assert not report.ok
    assert "signature does not verify" in report.problem

    other = tmp_path / "other.pem"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    path.unlink()
    audit_anchor_publish()
    assert audit_anchor_verify().ok
    settings.AUDIT_ANCHOR_PUBLIC_KEY_FILE = str(other)  # an auditor holding another key
    assert "signature does not verify" in audit_anchor_verify().problem


@pytest.mark.django_db
def test_anchors_are_linked_so_a_removed_anchor_is_noticed(anchor_store):
    record(CHIYODA, 1)
    start = timezone.now()
    names = [
        audit_anchor_publish(now=start + datetime.timedelta(minutes=5 * n)).name for n in range(3)
    ]
    assert audit_anchor_verify().anchors == 3
    (anchor_store / names[1]).unlink()
    report = audit_anchor_verify()
    assert not report.ok
    assert f"does not follow {names[0]}" in report.problem


@pytest.mark.django_db
def test_production_refuses_to_sign_without_a_configured_key(settings):
    settings.AUDIT_ANCHOR_SIGNING_KEY_FILE = ""
    settings.IS_DEVELOPMENT = False
    with pytest.raises(ImproperlyConfigured, match="AUDIT_ANCHOR_SIGNING_KEY_FILE"):
        audit_anchor_publish()


@pytest.mark.django_db
def test_the_publish_command_stores_one_anchor_that_the_verify_command_then_checks():
    record(CHIYODA, 1)
    out = io.StringIO()
    call_command("audit_anchor_publish", stdout=out)
    assert "1 chains, 1 events" in out.getvalue()
    assert audit_anchor_verify().anchors == 1
    assert "matches the newest anchor" in verify_command()
