"""The move-in (転入) exchange behind one small interface.

`RecordChannel.records_for` is the whole contract: the new municipality names the person (基本4情報
without the address, which has changed) and the former municipality's code; the channel answers
whether the former municipality knows the person and which live records it holds. Today the only
channel is `LocalChannel`, which answers from this platform's own tables (both municipalities run
on Madoguchi). When the once-only linkage hub (issue #12) lands, a channel that routes the same
question through the hub replaces it here (`channel()`), and nothing else changes: the exchange is
recorded on both sides by services.transfer_request either way (docs/adr/0010-vaccinations-19.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Protocol

from .types import TransferredRecord


@dataclass(frozen=True)
class Answer:
    found: bool
    records: list[TransferredRecord] = field(default_factory=list)


class RecordChannel(Protocol):
    name: str

    def records_for(
        self,
        *,
        from_municipality_code: str,
        family_name: str,
        given_name: str,
        birth_date: datetime.date,
        gender: str,
    ) -> Answer: ...


class LocalChannel:
    """Both municipalities on this platform: match exactly one resident of the former
    municipality on name, birth date and gender, and hand over their live records."""

    name = "local"

    def records_for(
        self,
        *,
        from_municipality_code: str,
        family_name: str,
        given_name: str,
        birth_date: datetime.date,
        gender: str,
    ) -> Answer:
        from madoguchi.accounts.selectors import residents_born_on

        from .models import Record

        matches = [
            resident
            for resident in residents_born_on(birth_date=birth_date).filter(
                municipality_id=from_municipality_code
            )
            if resident.family_name == family_name
            and resident.given_name == given_name
            and resident.gender == gender
        ]
        if len(matches) != 1:
            return Answer(found=False)
        records = Record.objects.filter(resident=matches[0], voided_at__isnull=True).order_by(
            "dose_number"
        )
        return Answer(
            found=True,
            records=[
                TransferredRecord(
                    public_id=str(r.public_id),
                    product=r.product,
                    lot=r.lot,
                    dose_number=r.dose_number,
                    administered_on=r.administered_on.isoformat(),
                    site_code=r.site_code,
                )
                for r in records
            ],
        )


def channel() -> RecordChannel:
    return LocalChannel()
