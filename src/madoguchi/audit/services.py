"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from madoguchi.audit.chain import canonical_body, link_hash
from madoguchi.audit.models import GENESIS_HASH, AuditEvent

# Arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_CHAIN_LOCK_KEY = 0x6D61646F


def _lock_chain() -> None:
    """Serialise appenders so each reads the true tail. Call inside a transaction.

    SQLite needs nothing: IMMEDIATE transactions (see settings) already hold the write lock.
    PostgreSQL's transaction-scoped advisory lock is released at commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _tail_hash() -> str | None:
    # Plain SQL: this runs on every audited write, and the ORM's query building cost several
    # times the query itself.
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hash FROM {table} ORDER BY sequence DESC LIMIT 1")  # noqa: S608
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
    """Append one event to the chain, in the caller's transaction if there is one.

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
        _lock_chain()
        prev_hash = _tail_hash() or GENESIS_HASH
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
