"""Reads of the audit log, including verification of its hash chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from madoguchi.audit.chain import canonical_body, link_hash
from madoguchi.audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_sequence: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_sequence is None


def audit_events_for(*, municipality_codes: set[str]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(municipality_code__in=municipality_codes)


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in order and report the first event that does not hold.

    An altered row fails its own hash; a removed or reordered row breaks the next row's link.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked,
                event.sequence,
                "prev_hash does not match the previous event's hash "
                "(an event before it was removed or reordered)",
            )
        body = canonical_body(
            occurred_at=event.occurred_at,
            action=event.action,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            municipality_code=event.municipality_code,
            object_type=event.object_type,
            object_id=event.object_id,
            ip_address=event.ip_address,
            data=event.data,
        )
        if link_hash(event.prev_hash, body) != event.hash:
            return ChainReport(
                checked, event.sequence, "content does not match its hash (the event was altered)"
            )
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked)
