"""Writes of the kpis app: counter counts (form entry and CSV import), audited; the aggregates
job lives in kpis.aggregates."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from madoguchi.audit.services import audit_record
from madoguchi.kpis.counter_csv import CounterRow
from madoguchi.kpis.models import CounterCount


def counter_counts_store(
    *,
    rows: Iterable[CounterRow],
    actor: AbstractBaseUser,
    source: str,
    ip_address: str | None = None,
) -> int:
    """Store counter counts, each replacing the figure for its (municipality, procedure,
    month); one audit event per municipality. Returns how many rows were stored."""
    rows = list(rows)
    label = actor.get_username()
    by_municipality: dict[str, list[CounterRow]] = {}
    for row in rows:
        by_municipality.setdefault(row.municipality_code, []).append(row)
    with transaction.atomic():
        for code, items in sorted(by_municipality.items()):
            replaced = 0
            for row in items:
                _, created = CounterCount.objects.update_or_create(
                    municipality_code=row.municipality_code,
                    procedure_code=row.procedure_code,
                    month=row.month,
                    defaults={"count": row.count, "updated_by": label},
                )
                replaced += 0 if created else 1
            audit_record(
                action="kpis.counter_counts_stored",
                actor=actor,
                municipality_code=code,
                object_type="counter_counts",
                object_id=code,
                ip_address=ip_address,
                data={
                    "source": source,
                    "rows": len(items),
                    "replaced": replaced,
                    "months": sorted({f"{r.month:%Y-%m}" for r in items}),
                },
            )
    return len(rows)


def counter_count_set(
    *,
    municipality_code: str,
    procedure_code: str,
    month: datetime.date,
    count: int,
    actor: AbstractBaseUser,
    ip_address: str | None = None,
) -> None:
    counter_counts_store(
        rows=[CounterRow(municipality_code, procedure_code, month, count)],
        actor=actor,
        source="form",
        ip_address=ip_address,
    )
