"""Helpers for tests and the benchmark: a synthetic municipality's registry (households,
residents, residency dates, 住民税 records) written in bulk, and a campaign definition."""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model

from madoguchi.accounts.models import Household, Resident
from madoguchi.linkage.catalogue import holder_agency_code
from madoguchi.linkage.models import Agency, HolderRecord, PersonCode, ResidencyRecord
from madoguchi.linkage.services import municipality_agencies_ensure
from madoguchi.linkage.types import Category

from . import services
from .models import Campaign

BASE_DATE = datetime.date(2026, 1, 1)


def campaign_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "物価高騰対策給付金",
        "base_date": BASE_DATE,
        "unit": "household",
        "age_min": None,
        "age_max": None,
        "tax_exempt": False,
        "amount_per_household": 30000,
        "amount_per_person": 0,
        "amount_per_child": 20000,
        "child_age_under": 18,
        "applicant": "householder",
        "opens_on": datetime.date(2026, 1, 1),
        "closes_on": datetime.date(2027, 3, 31),
    }
    data.update(overrides)
    return data


def campaign_for(municipality_code: str | None, *, user: Any = None, **overrides: Any) -> Campaign:
    if user is None:
        user, _ = get_user_model().objects.get_or_create(username="campaign-test-admin")
    return services.campaign_save(
        user=user, data=campaign_data(**overrides), municipality_code=municipality_code
    )


def synthetic_registry(
    *,
    municipality_code: str,
    households: int,
    residents: int,
    seed: int = 13,
    taxed_share: float = 0.6,
    progress: Callable[[int], None] | None = None,
    batch: int = 5000,
) -> None:
    """`residents` people in `households` households (each at least one adult head), ages
    spread 0–95, a few moved in/out or died around the base date, adults taxed with
    probability `taxed_share`. Bulk inserts in batches (the bench's set-up, not measured)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test data, not secrets
    municipality_agencies_ensure(municipality_code=municipality_code)
    tax = Agency.objects.get(code=holder_agency_code(municipality_code, Category.TAX))
    sizes = [1] * households
    for _ in range(residents - households):
        sizes[rng.randrange(households)] += 1
    made = 0
    for start in range(0, households, batch):
        chunk = sizes[start : start + batch]
        homes = Household.objects.bulk_create(
            [
                Household(municipality_id=municipality_code, code=f"S{start + i:07d}")
                for i in range(len(chunk))
            ]
        )
        people: list[Resident] = []
        for home, size in zip(homes, chunk, strict=True):
            for n in range(size):
                age = rng.randint(20, 95) if n == 0 else rng.randint(0, 95)
                birth = BASE_DATE - datetime.timedelta(days=age * 365 + rng.randrange(365))
                people.append(
                    Resident(
                        municipality_id=municipality_code,
                        household=home,
                        is_householder=n == 0,
                        relationship="世帯主" if n == 0 else "世帯員",
                        family_name="合成",
                        given_name=f"{made + len(people)}",
                        family_name_kana="ゴウセイ",
                        given_name_kana="タロウ",
                        birth_date=birth,
                        gender="0",
                        postal_code="1000001",
                        address="合成市1-1",
                    )
                )
        Resident.objects.bulk_create(people)
        saved = list(
            Resident.objects.filter(household__in=homes).values_list("pk", "subject", "birth_date")
        )
        dates: list[ResidencyRecord] = []
        codes: list[PersonCode] = []
        records: list[HolderRecord] = []
        for pk, subject, birth in saved:
            roll = rng.random()
            if roll < 0.01:
                dates.append(
                    ResidencyRecord(
                        resident_id=pk, moved_in_on=BASE_DATE + datetime.timedelta(days=1)
                    )
                )
            elif roll < 0.02:
                dates.append(
                    ResidencyRecord(
                        resident_id=pk, moved_out_on=BASE_DATE + datetime.timedelta(days=30)
                    )
                )
            elif roll < 0.025:
                dates.append(
                    ResidencyRecord(
                        resident_id=pk, deceased_on=BASE_DATE - datetime.timedelta(days=10)
                    )
                )
            if (BASE_DATE - birth).days >= 18 * 365:
                code = secrets.token_urlsafe(32)
                codes.append(PersonCode(agency=tax, subject=subject, code=code))
                records.append(
                    HolderRecord(
                        holder=tax,
                        person_code=code,
                        data={"taxable": "yes" if rng.random() < taxed_share else "no"},
                    )
                )
        ResidencyRecord.objects.bulk_create(dates)
        PersonCode.objects.bulk_create(codes)
        HolderRecord.objects.bulk_create(records)
        made += len(people)
        if progress is not None:
            progress(made)
