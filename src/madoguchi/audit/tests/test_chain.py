import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from madoguchi.audit.models import GENESIS_HASH, AppendOnlyError, AuditEvent
from madoguchi.audit.selectors import audit_chain_verify
from madoguchi.audit.services import audit_record

pytestmark = pytest.mark.django_db


def record_three():
    """One event in 千代田区's chain, then two in the national/system chain."""
    return [
        audit_record(action="test.one", municipality_code="131016", data={"n": 1}),
        audit_record(action="test.two", data={"name": "𠮷田 葛\U000e0100城", "list": [1, 2]}),
        audit_record(action="test.three", object_type="x", object_id="42"),
    ]


def test_events_are_chained(db):
    first, second, third = record_three()
    assert first.prev_hash == GENESIS_HASH  # first of 131016's chain
    assert second.prev_hash == GENESIS_HASH  # first of the national chain
    assert third.prev_hash == second.hash
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == 3
    assert report.chains == 2


def test_events_cannot_be_changed_or_deleted_through_the_orm(db):
    event = record_three()[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_tampering_with_a_row_is_reported_by_the_verify_command(db):
    _, second, _ = record_three()
    call_command("verify_audit_chain")  # intact: no error
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        # What someone with database access might do: rewrite who did something.
        cursor.execute(
            f"UPDATE {table} SET actor_label = %s WHERE sequence = %s",  # noqa: S608
            ["someone-else", second.sequence],
        )
    with pytest.raises(CommandError, match=rf"national.*#{second.sequence}\b.*altered"):
        call_command("verify_audit_chain")
    call_command("verify_audit_chain", municipality="131016")  # the other chain is intact


def test_removing_a_row_is_reported_at_the_next_event(db):
    _, second, third = record_three()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE sequence = %s", [second.sequence])  # noqa: S608
    report = audit_chain_verify()
    assert report.broken_sequence == third.sequence
    assert report.chain == ""
    assert "removed" in report.reason


def test_staff_login_and_failed_login_are_audited(client, demo):
    from madoguchi.accounts.services import DEMO_PASSWORD

    client.post("/staff/login/", {"username": "chiyoda-worker", "password": "wrong-password"})
    client.post("/staff/login/", {"username": "chiyoda-worker", "password": DEMO_PASSWORD})
    actions = list(AuditEvent.objects.values_list("action", "actor_label"))
    assert ("auth.login_failed", "chiyoda-worker") in actions
    assert ("auth.login", "chiyoda-worker") in actions
    assert audit_chain_verify().ok
