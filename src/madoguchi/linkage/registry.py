"""The 住民基本台帳 and 地方税 holders read in bulk, for a benefit's 基準日.

A municipality's own benefit run (給付事業) reads its own registry and tax holders in process —
the 庁内連携 of one municipality, not an exchange through the hub: nothing leaves it, so no
情報提供等記録 is written. The read streams: households in keyset-ordered batches, every batch
three queries (residents, residency dates, tax records), so memory stays flat for 100,000
residents.

Rules (docs/campaigns.md#eligibility):
- recorded on day D: born on or before D, moved in on or before D (or no move-in date),
  not moved out on or before D, not died on or before D — the move-out and the death take
  effect on their day (the record is removed that day);
- 住民税: the tax holder's record `taxable` ("yes"/"no"); a person without a record has no
  assessment (a child, no income) and counts as not taxed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from madoguchi.accounts import selectors as account_selectors

from . import hub
from .catalogue import holder_agency_code
from .dates import recorded_on as recorded_on
from .models import Agency, HolderRecord, PersonCode, ResidencyRecord
from .types import Category, RegistryHousehold, RegistryPerson


def _taxable_by_resident(
    tax_agency: Agency | None, subjects: dict[Any, int]
) -> dict[int, bool | None]:
    if tax_agency is None or not subjects:
        return {}
    codes = dict(
        PersonCode.objects.filter(agency=tax_agency, subject__in=list(subjects)).values_list(
            "code", "subject"
        )
    )
    found: dict[int, bool | None] = {}
    for record in HolderRecord.objects.filter(holder=tax_agency, person_code__in=list(codes)):
        resident_id = subjects[codes[record.person_code]]
        found[resident_id] = str(record.data.get("taxable", "no")) == "yes"
    return found


def registry_households_at(
    *,
    municipality_code: str,
    day: datetime.date,
    with_tax: bool = False,
    batch_size: int = 2000,
    household_id: int | None = None,
) -> Iterator[RegistryHousehold]:
    """Every household of the municipality's registry, with each member's status on `day`
    (recorded or not, and why: the residency dates) and, if asked, their 住民税 status.
    Households come in id order; a household none of whose members is recorded is still
    yielded (the caller decides). `household_id` reads that one household only."""
    tax_agency = (
        Agency.objects.filter(code=holder_agency_code(municipality_code, Category.TAX)).first()
        if with_tax
        else None
    )
    residents = account_selectors.resident_list().filter(municipality_id=municipality_code)
    if household_id is not None:
        residents = residents.filter(household_id=household_id)
    last = 0
    while True:
        household_ids = list(
            residents.filter(household_id__gt=last)
            .order_by("household_id")
            .values_list("household_id", flat=True)
            .distinct()[:batch_size]
        )
        if not household_ids:
            return
        last = household_ids[-1]
        rows = list(
            residents.filter(household_id__in=household_ids)
            .order_by("household_id", "pk")
            .values_list("pk", "household_id", "birth_date", "is_householder", "subject")
        )
        ids = [row[0] for row in rows]
        dates = {
            r[0]: r[1:]
            for r in ResidencyRecord.objects.filter(resident_id__in=ids).values_list(
                "resident_id", "moved_in_on", "moved_out_on", "deceased_on"
            )
        }
        taxable = _taxable_by_resident(tax_agency, {row[4]: row[0] for row in rows})
        current: int | None = None
        members: list[RegistryPerson] = []
        for pk, household, birth_date, is_householder, _subject in rows:
            if household != current:
                if current is not None:
                    yield RegistryHousehold(household_id=current, members=tuple(members))
                current, members = household, []
            moved_in, moved_out, deceased = dates.get(pk, (None, None, None))
            members.append(
                RegistryPerson(
                    resident_id=pk,
                    birth_date=birth_date,
                    is_householder=is_householder,
                    recorded=recorded_on(
                        day=day,
                        birth_date=birth_date,
                        moved_in_on=moved_in,
                        moved_out_on=moved_out,
                        deceased_on=deceased,
                    ),
                    moved_in_on=moved_in,
                    moved_out_on=moved_out,
                    deceased_on=deceased,
                    taxable=taxable.get(pk, False) if with_tax else None,
                )
            )
        if current is not None:
            yield RegistryHousehold(household_id=current, members=tuple(members))


def residency_changes(
    *, resident_ids: list[int], since: datetime.date
) -> dict[int, tuple[datetime.date | None, datetime.date | None]]:
    """(moved out on, died on) of those residents who moved out or died after `since`."""
    found: dict[int, tuple[datetime.date | None, datetime.date | None]] = {}
    for start in range(0, len(resident_ids), 2000):
        chunk = resident_ids[start : start + 2000]
        for resident_id, moved_out, deceased in ResidencyRecord.objects.filter(
            resident_id__in=chunk
        ).values_list("resident_id", "moved_out_on", "deceased_on"):
            out = moved_out if moved_out is not None and moved_out > since else None
            died = deceased if deceased is not None and deceased > since else None
            if out or died:
                found[resident_id] = (out, died)
    return found


def residency_set(
    *,
    resident_id: int,
    moved_in_on: datetime.date | None = None,
    moved_out_on: datetime.date | None = None,
    deceased_on: datetime.date | None = None,
) -> None:
    """Record a resident's 転入/転出/死亡 dates (the registry adapter's write)."""
    ResidencyRecord.objects.update_or_create(
        resident_id=resident_id,
        defaults={
            "moved_in_on": moved_in_on,
            "moved_out_on": moved_out_on,
            "deceased_on": deceased_on,
        },
    )


def tax_status_set(*, municipality_code: str, subject: Any, taxable: bool) -> None:
    """Record a resident's 住民税 status at the municipality's tax holder (demo and tests)."""
    agency = Agency.objects.get(code=holder_agency_code(municipality_code, Category.TAX))
    code = hub.code_for(agency=agency, subject=subject)
    record = HolderRecord.objects.filter(holder=agency, person_code=code).first()
    data = dict(record.data) if record is not None else {}
    data["taxable"] = "yes" if taxable else "no"
    HolderRecord.objects.update_or_create(holder=agency, person_code=code, defaults={"data": data})
