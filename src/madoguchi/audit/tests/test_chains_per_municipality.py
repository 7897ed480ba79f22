"""One hash chain per municipality: interleaving, tampering named by chain, re-link migration."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from madoguchi.audit.chain import canonical_body, link_hash
from madoguchi.audit.models import GENESIS_HASH, AuditEvent
from madoguchi.audit.selectors import audit_chain_verify
from madoguchi.audit.services import audit_record

CHIYODA = "131016"
YOKOHAMA = "141003"
TABLE = AuditEvent._meta.db_table


def record_interleaved():
    """千代田区, 横浜市 and national events, interleaved as concurrent traffic would be."""
    codes = [CHIYODA, YOKOHAMA, CHIYODA, "", YOKOHAMA, CHIYODA, YOKOHAMA, ""]
    return [
        audit_record(action=f"test.{n}", municipality_code=code, data={"n": n})
        for n, code in enumerate(codes)
    ]


def chain(events, code):
    return [e for e in events if e.municipality_code == code]


def execute(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_interleaved_chains_link_within_their_municipality_and_verify():
    events = record_interleaved()
    for code in (CHIYODA, YOKOHAMA, ""):
        links = chain(events, code)
        assert links[0].prev_hash == GENESIS_HASH
        for before, after in itertools.pairwise(links):
            assert after.prev_hash == before.hash
    report = audit_chain_verify()
    assert report.ok
    assert (report.checked, report.chains, report.chain) == (8, 3, None)
    one = audit_chain_verify(municipality_code=YOKOHAMA)
    assert (one.ok, one.checked, one.chains) == (True, 3, 1)
    assert audit_chain_verify(municipality_code="").checked == 2
    assert audit_chain_verify(municipality_code="011002").checked == 0  # no events: nothing broken


@pytest.mark.django_db
def test_tampering_in_one_chain_names_that_chain_and_leaves_the_other_intact():
    events = record_interleaved()
    victim = chain(events, YOKOHAMA)[1]
    execute(f"UPDATE {TABLE} SET data = %s WHERE sequence = %s", ['{"n": 99}', victim.sequence])  # noqa: S608
    report = audit_chain_verify()
    assert (report.broken_sequence, report.chain) == (victim.sequence, YOKOHAMA)
    assert "altered" in report.reason
    assert audit_chain_verify(municipality_code=CHIYODA).ok
    assert audit_chain_verify(municipality_code="").ok
    assert audit_chain_verify(municipality_code=YOKOHAMA).broken_sequence == victim.sequence


@pytest.mark.django_db
def test_removing_an_event_is_reported_at_the_next_event_of_its_chain():
    events = record_interleaved()
    _, second, third = chain(events, CHIYODA)
    execute(f"DELETE FROM {TABLE} WHERE sequence = %s", [second.sequence])  # noqa: S608
    report = audit_chain_verify()
    assert (report.broken_sequence, report.chain) == (third.sequence, CHIYODA)
    assert "removed" in report.reason
    assert audit_chain_verify(municipality_code=YOKOHAMA).ok


@pytest.mark.django_db
def test_reordering_events_of_a_chain_is_detected_in_that_chain():
    events = record_interleaved()
    _, second, third = chain(events, CHIYODA)
    # Swap the two events' places in the log (a free sequence value as the go-between).
    swaps = [(-1, second.sequence), (second.sequence, third.sequence), (third.sequence, -1)]
    for new, old in swaps:
        execute(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", [new, old])  # noqa: S608
    report = audit_chain_verify()
    # The third event now sits where the second was: content intact, link wrong.
    assert (report.broken_sequence, report.chain) == (second.sequence, CHIYODA)
    assert "reordered" in report.reason
    assert audit_chain_verify(municipality_code=YOKOHAMA).ok
    assert audit_chain_verify(municipality_code="").ok


@pytest.mark.django_db
def test_moving_an_event_to_another_chain_is_detected():
    events = record_interleaved()
    _, moved, after = chain(events, CHIYODA)
    execute(
        f"UPDATE {TABLE} SET municipality_code = %s WHERE sequence = %s",  # noqa: S608
        [YOKOHAMA, moved.sequence],
    )
    report = audit_chain_verify()
    # Its municipality code is part of its hash: as found, it is an altered 横浜市 event.
    assert (report.broken_sequence, report.chain) == (moved.sequence, YOKOHAMA)
    assert "altered" in report.reason
    # And 千代田区's chain lost an event in the middle.
    alone = audit_chain_verify(municipality_code=CHIYODA)
    assert (alone.broken_sequence, alone.chain) == (after.sequence, CHIYODA)
    assert "removed" in alone.reason


@pytest.mark.django_db
def test_verify_command_reports_chains_and_verifies_one_on_request():
    record_interleaved()
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "8 events verified in 3 chains" in out.getvalue()
    out = io.StringIO()
    call_command("verify_audit_chain", municipality=CHIYODA, stdout=out)
    assert f"3 events verified in chain {CHIYODA}" in out.getvalue()


# --- The re-link migration (0004) -----------------------------------------------------------------

BEFORE = [("audit", "0002_alter_auditevent_options_alter_auditevent_action_and_more")]
AFTER = None  # the latest audit migration: a test must leave the schema as it found it


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes("audit")
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def insert_global_chain(model, codes):
    """Events as the old code wrote them: one chain over all municipalities."""
    prev_hash = GENESIS_HASH
    for n, code in enumerate(codes):
        event = model(
            occurred_at=timezone.now(),
            action=f"old.{n}",
            municipality_code=code,
            data={"n": n, "名前": "𠮷田"},
        )
        body = canonical_body(
            occurred_at=event.occurred_at,
            action=event.action,
            actor_id="",
            actor_label="",
            municipality_code=code,
            object_type="",
            object_id="",
            ip_address=None,
            data=event.data,
        )
        event.prev_hash = prev_hash
        event.hash = prev_hash = link_hash(prev_hash, body)
        event.save()


@pytest.mark.django_db(transaction=True)
def test_migration_relinks_existing_events_per_chain_and_reverses_to_one_chain():
    try:
        old_apps = migrate(BEFORE)
        insert_global_chain(
            old_apps.get_model("audit", "AuditEvent"), [CHIYODA, YOKOHAMA, "", CHIYODA, YOKOHAMA]
        )
        old_hashes = list(AuditEvent.objects.values_list("hash", flat=True))
        assert not audit_chain_verify().ok  # a global chain does not verify per municipality

        migrate(AFTER)
        report = audit_chain_verify()
        assert (report.ok, report.checked, report.chains) == (True, 5, 3)
        # New events continue the re-linked chains.
        audit_record(action="new", municipality_code=CHIYODA)
        assert audit_chain_verify().ok

        migrate(BEFORE)  # reverse: one global chain again, the old hashes reproduced
        assert list(AuditEvent.objects.values_list("hash", flat=True))[:5] == old_hashes
    finally:
        migrate(AFTER)
