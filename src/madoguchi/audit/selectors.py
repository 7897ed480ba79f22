"""Reads of the audit log, including verification of its hash chains (one per municipality)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from madoguchi.audit.chain import canonical_body, link_hash
from madoguchi.audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int  # events verified before the first broken one (all of them when ok)
    broken_sequence: int | None = None
    reason: str = ""
    # The municipality code of the broken event's chain ("" is the national/system chain);
    # None when nothing is broken.
    chain: str | None = None
    chains: int = 0  # distinct chains seen

    @property
    def ok(self) -> bool:
        return self.broken_sequence is None


def audit_events_for(*, municipality_codes: set[str]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(municipality_code__in=municipality_codes)


def audit_chain_verify(
    *, municipality_code: str | None = None, chunk_size: int = 2000
) -> ChainReport:
    """Walk every chain (or only `municipality_code`'s) and report the first event that fails.

    One pass in sequence order, remembering the last hash of each chain: within a chain sequence
    order is chain order (see services._tail_hash), so memory is one hash per chain. An altered
    event fails its own hash (its municipality code is hashed too, so moving an event to another
    chain is an alteration); a removed or reordered event breaks the next link of its chain.
    Removing the newest events of a chain, or a whole chain, leaves nothing to detect here.
    """
    events = AuditEvent.objects.order_by("sequence")
    if municipality_code is not None:
        events = events.filter(municipality_code=municipality_code)
    tails: dict[str, str] = {}
    checked = 0
    for event in events.iterator(chunk_size=chunk_size):
        chain = event.municipality_code
        body = canonical_body(
            occurred_at=event.occurred_at,
            action=event.action,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            municipality_code=chain,
            object_type=event.object_type,
            object_id=event.object_id,
            ip_address=event.ip_address,
            data=event.data,
        )
        # The content first: an event that fails both (e.g. moved to another chain) was altered,
        # which is the more precise finding.
        if link_hash(event.prev_hash, body) != event.hash:
            return ChainReport(
                checked,
                event.sequence,
                "content does not match its hash (the event was altered)",
                chain,
                len(tails),
            )
        if event.prev_hash != tails.get(chain, GENESIS_HASH):
            return ChainReport(
                checked,
                event.sequence,
                "prev_hash does not match the previous event's hash in its chain "
                "(an event before it was removed or reordered)",
                chain,
                len(tails),
            )
        tails[chain] = event.hash
        checked += 1
    return ChainReport(checked, chains=len(tails))
