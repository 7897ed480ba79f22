"""Reads of the figures: from the aggregates and counter counts only (never a scan of the
applications), plus the catalog's offerings for adoption."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from madoguchi.applications import selectors as application_selectors
from madoguchi.catalog import selectors as catalog_selectors
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
    rows = MonthlyFigure.objects.filter(
        municipality_code=municipality_code, month__in=months
    ).only(
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
    online = {
        row["month"]: row
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
        row = online.get(month, {})
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


def counter_counts(*, municipality_code: str, months: Iterable[datetime.date]) -> dict:
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


def organisations(*, prefecture_code: str | None = None) -> dict[str, list[str]]:
    """Codes of the organisations that offer procedures of each level: the 1,741
    municipalities (市町村 and 特別区; designated cities, not their wards) and the 47 prefectures,
    within one prefecture when given."""
    queryset = municipality_selectors.municipality_list()
    if prefecture_code:
        queryset = queryset.filter(Q(prefecture_id=prefecture_code) | Q(code=prefecture_code))
    municipal: list[str] = []
    prefectural: list[str] = []
    for code, kind in queryset.values_list("code", "kind"):
        if kind == Kind.PREFECTURE:
            prefectural.append(code)
        elif kind in MUNICIPAL:
            municipal.append(code)
    return {"municipal": municipal, "prefectural": prefectural}


def adoption_by_procedure(*, prefecture_code: str | None = None) -> list[Adoption]:
    """Per standard procedure: organisations of its level offering it online / registered
    without online application / not yet registered."""
    orgs = organisations(prefecture_code=prefecture_code)
    counts = _offering_counts(orgs, group="procedure")
    result = []
    for procedure in catalog_selectors.procedure_list():
        total = len(orgs[procedure.level])
        online, registered = counts.get(procedure.code, (0, 0))
        result.append(Adoption(procedure.code, procedure.name, online, registered, total))
    return result


def adoption_by_area(*, prefecture_code: str | None = None) -> list[Adoption]:
    """Per prefecture (or, within one prefecture, per municipality): municipal procedures
    offered online over (municipalities × municipal procedures), best first."""
    municipal_procedures = [
        p.code for p in catalog_selectors.procedure_list() if p.level == "municipal"
    ]
    queryset = municipality_selectors.municipality_list().filter(kind__in=MUNICIPAL)
    if prefecture_code:
        queryset = queryset.filter(prefecture_id=prefecture_code)
    areas: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    for code, name, prefecture_id, prefecture_name in queryset.values_list(
        "code", "name", "prefecture_id", "prefecture__name"
    ):
        key = code if prefecture_code else prefecture_id
        areas[key].append(code)
        labels[key] = name if prefecture_code else prefecture_name
    rows = catalog_selectors.offering_counts(
        municipality_codes=[c for codes in areas.values() for c in codes],
        procedure_codes=municipal_procedures,
        by="municipality",
    )
    owner = {code: key for key, codes in areas.items() for code in codes}
    online: dict[str, int] = defaultdict(int)
    registered: dict[str, int] = defaultdict(int)
    for municipality_code, is_online, count in rows:
        key = owner[municipality_code]
        if is_online:
            online[key] += count
        else:
            registered[key] += count
    result = [
        Adoption(
            key,
            labels[key],
            online[key],
            registered[key],
            len(codes) * len(municipal_procedures),
        )
        for key, codes in areas.items()
    ]
    result.sort(key=lambda a: (-(a.rate or 0.0), a.key))
    return result


def _offering_counts(orgs: dict[str, list[str]], *, group: str) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for level, codes in orgs.items():
        procedures = [p.code for p in catalog_selectors.procedure_list() if p.level == level]
        for procedure_code, is_online, count in catalog_selectors.offering_counts(
            municipality_codes=codes, procedure_codes=procedures, by=group
        ):
            counts[procedure_code][0 if is_online else 1] += count
    return {code: (value[0], value[1]) for code, value in counts.items()}


def prefecture_list() -> list[tuple[str, str]]:
    return list(
        municipality_selectors.municipality_list()
        .filter(kind=Kind.PREFECTURE)
        .order_by("code")
        .values_list("code", "name")
    )


