"""PostgreSQL: appenders of different municipalities never wait for each other; of one, queue."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from madoguchi.audit.models import AuditEvent
from madoguchi.audit.selectors import audit_chain_verify
from madoguchi.audit.services import _CHAIN_LOCK_KEY, audit_record, chain_lock_id

CHIYODA = "131016"
YOKOHAMA = "141003"
WAIT = 10  # seconds; only reached when something is wrong


def test_chain_lock_ids():
    assert chain_lock_id("") == 0
    assert chain_lock_id(CHIYODA) == 131016
    # Not a code: still one lock, the same number in every process and Python version (a
    # salted hash() would differ between two servers and let them append to one chain at once).
    assert chain_lock_id("13101X") == 1467225053
    assert chain_lock_id("13101Y") != chain_lock_id("13101X")
    assert 0 <= chain_lock_id("13101X") < 2**31


class Holder(threading.Thread):
    """Appends one event in its own transaction and stays in it until released."""

    def __init__(self, code, *, hold=True):
        super().__init__(daemon=True)
        self.code, self.hold = code, hold
        self.appended = threading.Event()
        self.release = threading.Event()
        self.event = None
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                self.event = audit_record(action="test.held", municipality_code=self.code)
                self.appended.set()
                if self.hold:
                    self.release.wait(WAIT)
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            connections.close_all()  # this thread's connection


def chain_locks(*, granted):
    """(chain id) of the audit chain advisory locks in this database, held or awaited."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
            "AND classid::bigint = %s AND granted = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [_CHAIN_LOCK_KEY, granted],
        )
        return sorted(row[0] for row in cursor.fetchall())


def append_with_lock_timeout(code):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '200ms'")
        return audit_record(action="test.other", municipality_code=code)


@pytest.mark.django_db(transaction=True)
def test_different_municipalities_do_not_block_and_one_municipality_queues():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers by design")
    holder = Holder(CHIYODA)
    holder.start()
    waiter = None
    try:
        assert holder.appended.wait(WAIT), holder.error
        # The holder has 千代田区's chain locked, and only that.
        assert chain_locks(granted=True) == [131016]

        # Another municipality appends at once (a wait would hit lock_timeout and fail).
        yokohama = append_with_lock_timeout(YOKOHAMA)

        # The same municipality waits for the holder's transaction to end.
        with pytest.raises(OperationalError, match="lock timeout"):
            append_with_lock_timeout(CHIYODA)

        # A patient appender of the same municipality queues, then continues the chain.
        waiter = Holder(CHIYODA, hold=False)
        waiter.start()
        for _ in range(WAIT * 100):  # poll pg_locks (not a guess at a sleep) until it waits
            if chain_locks(granted=False) == [131016]:
                break
            waiter.join(0.01)
        assert chain_locks(granted=False) == [131016]
        assert not waiter.appended.is_set()
    finally:
        holder.release.set()
        holder.join(WAIT)
        if waiter is not None:
            waiter.join(WAIT)
    assert holder.error is None and waiter.error is None
    assert holder.event is not None and waiter.event is not None
    assert waiter.event.prev_hash == holder.event.hash
    assert yokohama.prev_hash != holder.event.hash
    assert list(AuditEvent.objects.values_list("action", "municipality_code")) == [
        ("test.held", CHIYODA),
        ("test.other", YOKOHAMA),
        ("test.held", CHIYODA),
    ]
    assert audit_chain_verify().ok
