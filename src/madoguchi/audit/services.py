"""The one way to write the audit log.

There is one hash chain per municipality code ("" for national and system events). An appender
locks only its event's chain, so audited writes of different municipalities run side by side;
only writers of the same municipality queue (docs/adr/0003-audit-chain-per-municipality.md).
"""

from __future__ import annotations

import zlib
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from madoguchi.audit.chain import canonical_body, link_hash
from madoguchi.audit.models import GENESIS_HASH, AuditEvent

# Arbitrary constant naming the class of audit chain advisory locks on PostgreSQL: the first key
# of the two-int4 form pg_advisory_xact_lock(class, chain). Fits in int4.
_CHAIN_LOCK_KEY = 0x6D61646F


def chain_lock_id(municipality_code: str) -> int:
    """The second advisory lock key of a chain: the 6-digit code as a number, "" → 0.

    Anything else (not a code the master holds) is folded into int4 by CRC-32. A collision only
    makes two chains share a lock, which costs waiting, never correctness: each appender still
    reads the tail of its own chain.
    """
    if not municipality_code:
        return 0
    if municipality_code.isascii() and municipality_code.isdigit():
        return int(municipality_code)  # at most 999999
    return zlib.crc32(municipality_code.encode()) & 0x7FFFFFFF


def _lock_chain(municipality_code: str) -> None:
    """Serialise the appenders of one chain so each reads its true tail. Call in a transaction.

    SQLite needs nothing: IMMEDIATE transactions (see settings) already hold the write lock.
    PostgreSQL's transaction-scoped advisory lock is released at commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_CHAIN_LOCK_KEY, chain_lock_id(municipality_code)],
            )


def _tail_hash(municipality_code: str) -> str | None:
    # Within one chain, sequence order is chain order: an appender draws its sequence value (at
    # INSERT) only after taking the chain lock, and holds that lock until its transaction ends, so
    # every earlier event of the chain is committed, visible and lower-numbered. The highest
    # sequence of the chain is therefore its tail (served by the audit_chain_tail_idx index).
    # Plain SQL: this runs on every audited write, and the ORM's query building cost several
    # times the query itself.
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT hash FROM {table} WHERE municipality_code = %s "  # noqa: S608
            "ORDER BY sequence DESC LIMIT 1",
            [municipality_code],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else None


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    actor_label: str = "",
    municipality_code: str = "",
    object_type: str = "",
    object_id: str = "",
    ip_address: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its municipality's chain, in the caller's transaction if any.

    The chain lock is held until that transaction ends, so keep audited transactions short. A
    transaction that audits several municipalities holds several chain locks; PostgreSQL breaks
    the (unlikely) deadlock of two such transactions taking them in opposite orders by failing one.

    `data` must be plain JSON (strings, integers, booleans, lists, objects): it is hashed as
    canonical JSON and must read back identically from either database.
    """
    actor_id = ""
    if actor is not None and actor.is_authenticated:
        actor_id = str(actor.pk)
        actor_label = actor_label or actor.get_username()
    payload = data or {}
    # No savepoint: the event shares the caller's fate (an error here fails the caller's work
    # anyway), and a savepoint would cost two more statements on every audited write.
    with transaction.atomic(savepoint=False):
        _lock_chain(municipality_code)
        prev_hash = _tail_hash(municipality_code) or GENESIS_HASH
        occurred_at = timezone.now()
        body = canonical_body(
            occurred_at=occurred_at,
            action=action,
            actor_id=actor_id,
            actor_label=actor_label,
            municipality_code=municipality_code,
            object_type=object_type,
            object_id=object_id,
            ip_address=ip_address,
            data=payload,
        )
        event = AuditEvent(
            occurred_at=occurred_at,
            action=action,
            actor_id=actor_id,
            actor_label=actor_label,
            municipality_code=municipality_code,
            object_type=object_type,
            object_id=object_id,
            ip_address=ip_address,
            data=payload,
            prev_hash=prev_hash,
            hash=link_hash(prev_hash, body),
        )
        event.save()
    return event
