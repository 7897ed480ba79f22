"""Reads of the figures: from the aggregates and counter counts only (never a scan of the
applications), plus the catalog's offerings for adoption."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from madoguchi.applications import selectors as application_selectors
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.core.ttlcache import TtlCache
from madoguchi.kpis.models import CounterCount, MonthlyFigure
from madoguchi.kpis.types import DURATION_BUCKETS, ProcedureFigures, online_rate
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.types import Kind

MUNICIPAL = (Kind.CITY, Kind.DESIGNATED_CITY, Kind.SPECIAL_WARD, Kind.TOWN, Kind.VILLAGE)


def months_back(count: int, *, today: datetime.date | None = None) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, this month included."""
    current = (today or timezone.localdate()).replace(day=1)
    months = []
    for _ in range(count):
        months.append(current)
        current = (current - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def percentile_seconds(histogram: list[int], fraction: float) -> int | None:
    """The upper edge of the bucket holding the `fraction` rank (None without decisions; the
    open last bucket answers its lower edge)."""
    total = sum(histogram)
    if total == 0:
        return None
    rank = fraction * total
    seen = 0
    for index, count in enumerate(histogram):
        seen += count
        if seen >= rank and count:
            return DURATION_BUCKETS[min(index, len(DURATION_BUCKETS) - 1)]
    return DURATION_BUCKETS[-1]


@dataclass(frozen=True)
class MonthFigures:
    month: datetime.date
    received: int
    counter: int
    decided: int
    returned: int

    @property
    def online_rate(self) -> float | None:
        return online_rate(self.received, self.counter)


def procedure_figures(
    *, municipality_code: str, months: list[datetime.date]
) -> list[ProcedureFigures]:
    """Per procedure over `months`: received online and at the counter, decided, returned,
    p50/p90 of 受付→decision, and when the oldest open application was received."""
    rows = MonthlyFigure.objects.filter(municipality_code=municipality_code, month__in=months).only(
        "procedure_code",
        "received",
        "completed",
        "rejected",
        "returned",
        "durations",
    )
    received: dict[str, int] = defaultdict(int)
    decided: dict[str, int] = defaultdict(int)
    returned: dict[str, int] = defaultdict(int)
    histograms: dict[str, list[int]] = {}
    for row in rows:
        code = row.procedure_code
        received[code] += row.received
        decided[code] += row.decided
        returned[code] += row.returned
        previous = histograms.get(code)
        histograms[code] = (
            list(row.durations)
            if previous is None
            else [a + b for a, b in zip(previous, row.durations, strict=True)]
        )
    counter = dict(
        CounterCount.objects.filter(municipality_code=municipality_code, month__in=months)
        .values("procedure_code")
        .annotate(total=Sum("count"))
        .values_list("procedure_code", "total")
    )
    oldest = application_selectors.open_applications_oldest(municipality_codes=[municipality_code])
    codes = set(received) | set(counter) | set(oldest) | set(decided)
    names = procedure_names()
    result = []
    for code in sorted(codes, key=lambda c: (names.get(c, (9999, c))[0], c)):
        histogram = histograms.get(code, [0] * (len(DURATION_BUCKETS) + 1))
        result.append(
            ProcedureFigures(
                procedure_code=code,
                procedure_name=names.get(code, (0, code))[1],
                received=received.get(code, 0),
                counter=counter.get(code, 0) or 0,
                decided=decided.get(code, 0),
                returned=returned.get(code, 0),
                p50_seconds=percentile_seconds(histogram, 0.5),
                p90_seconds=percentile_seconds(histogram, 0.9),
                oldest_open=oldest.get(code),
            )
        )
    return result


def month_figures(*, municipality_code: str, months: list[datetime.date]) -> list[MonthFigures]:
    """Per month (all procedures): received online and at the counter, decided, returned."""
    online: dict[datetime.date, dict[str, Any]] = {
        row["month"]: dict(row)
        for row in MonthlyFigure.objects.filter(
            municipality_code=municipality_code, month__in=months
        )
        .values("month")
        .annotate(
            received=Sum("received"),
            completed=Sum("completed"),
            rejected=Sum("rejected"),
            returned=Sum("returned"),
        )
    }
    counter = dict(
        CounterCount.objects.filter(municipality_code=municipality_code, month__in=months)
        .values("month")
        .annotate(total=Sum("count"))
        .values_list("month", "total")
    )
    result = []
    for month in months:
        row: dict[str, Any] = online.get(month, {})
        result.append(
            MonthFigures(
                month=month,
                received=row.get("received") or 0,
                counter=counter.get(month) or 0,
                decided=(row.get("completed") or 0) + (row.get("rejected") or 0),
                returned=row.get("returned") or 0,
            )
        )
    return result


def procedure_names() -> dict[str, tuple[int, str]]:
    """Procedure code → (order, name)."""
    return {
        procedure.code: (procedure.order, procedure.name)
        for procedure in catalog_selectors.procedure_list()
    }


def counter_counts(
    *, municipality_code: str, months: Iterable[datetime.date]
) -> dict[tuple[str, datetime.date], int]:
    """(procedure code, month) → counter applications entered for this municipality."""
    return {
        (row.procedure_code, row.month): row.count
        for row in CounterCount.objects.filter(
            municipality_code=municipality_code, month__in=list(months)
        )
    }


# --- Adoption (national and prefecture views, the public page) --------------------------------


@dataclass(frozen=True)
class Adoption:
    """How many organisations offer something online, have it registered offline, or neither."""

    key: str
    label: str
    online: int
    registered: int
    total: int

    @property
    def not_yet(self) -> int:
        return max(self.total - self.online - self.registered, 0)

    @property
    def rate(self) -> float | None:
        return self.online / self.total if self.total else None


def organisation_counts(*, prefecture_code: str | None = None) -> dict[str, int]:
    """How many organisations run procedures of each level: the 1,741 municipalities (市町村
    and 特別区; designated cities, not their wards) and the 47 prefectures — within one
    prefecture when given."""
    queryset = municipality_selectors.municipality_list()
    if prefecture_code:
        queryset = queryset.filter(Q(prefecture_id=prefecture_code) | Q(code=prefecture_code))
    counts = {"municipal": 0, "prefectural": 0}
    for kind, n in queryset.values("kind").annotate(n=Count("code")).values_list("kind", "n"):
        if kind == Kind.PREFECTURE:
            counts["prefectural"] += n
        elif kind in MUNICIPAL:
            counts["municipal"] += n
    return counts


# Adoption comes from the catalogue (offerings), which changes a few times a day: computed once
# a minute per process and key, whatever the number of page views.
adoption_cache: TtlCache[tuple[str, str], list[Adoption]] = TtlCache(ttl=60.0)


def adoption_by_procedure(*, prefecture_code: str | None = None) -> list[Adoption]:
    """Per standard procedure: organisations of its level offering it online / registered
    without online application / not yet registered."""
    return adoption_cache.get_or_load(
        ("procedure", prefecture_code or ""), lambda: _adoption_by_procedure(prefecture_code)
    )


def _adoption_by_procedure(prefecture_code: str | None) -> list[Adoption]:
    totals = organisation_counts(prefecture_code=prefecture_code)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, _level, is_online, n in catalog_selectors.offering_counts(
        by="procedure", prefecture_code=prefecture_code, municipal_kinds=MUNICIPAL
    ):
        counts[code][0 if is_online else 1] += n
    return [
        Adoption(
            procedure.code,
            procedure.name,
            counts[procedure.code][0],
            counts[procedure.code][1],
            totals[procedure.level],
        )
        for procedure in catalog_selectors.procedure_list()
    ]


def adoption_by_area(*, prefecture_code: str | None = None) -> list[Adoption]:
    """Per prefecture (or, within one prefecture, per municipality): municipal procedures
    offered online over (municipalities × municipal procedures), best first."""
    return adoption_cache.get_or_load(
        ("area", prefecture_code or ""), lambda: _adoption_by_area(prefecture_code)
    )


def _adoption_by_area(prefecture_code: str | None) -> list[Adoption]:
    procedures = sum(1 for p in catalog_selectors.procedure_list() if p.level == "municipal")
    queryset = municipality_selectors.municipality_list().filter(kind__in=MUNICIPAL)
    if prefecture_code:
        areas = dict(queryset.filter(prefecture_id=prefecture_code).values_list("code", "name"))
        sizes = dict.fromkeys(areas, 1)
    else:
        areas = dict(
            municipality_selectors.municipality_list()
            .filter(kind=Kind.PREFECTURE)
            .values_list("code", "name")
        )
        sizes = dict(
            queryset.values("prefecture_id")
            .annotate(n=Count("code"))
            .values_list("prefecture_id", "n")
        )
    online: dict[str, int] = defaultdict(int)
    registered: dict[str, int] = defaultdict(int)
    for key, level, is_online, n in catalog_selectors.offering_counts(
        by="municipality" if prefecture_code else "prefecture",
        prefecture_code=prefecture_code,
        municipal_kinds=MUNICIPAL,
    ):
        if level != "municipal" or key not in areas:
            continue
        (online if is_online else registered)[key] += n
    result = [
        Adoption(key, name, online[key], registered[key], sizes.get(key, 0) * procedures)
        for key, name in areas.items()
        if sizes.get(key)
    ]
    result.sort(key=lambda a: (-(a.rate or 0.0), a.key))
    return result


def prefecture_list() -> list[tuple[str, str]]:
    return list(
        municipality_selectors.municipality_list()
        .filter(kind=Kind.PREFECTURE)
        .order_by("code")
        .values_list("code", "name")
    )
