"""The figures of each page as tables (header + rows of text), shared by the page, its charts
and its CSV downloads, so that what is drawn, what is tabulated and what is downloaded are the
same numbers."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from madoguchi.kpis import selectors
from madoguchi.kpis.charts import BarChart, bar_chart
from madoguchi.kpis.types import DAY, HOUR

MONTHS = 12


@dataclass(frozen=True)
class Table:
    slug: str
    caption: str
    header: list[str]
    columns: list[str]  # machine names, the CSV header
    rows: list[list[str]]  # as shown
    data: list[list[object]]  # as downloaded: plain numbers, rates as fractions
    chart: BarChart | None = None


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < DAY:
        hours = seconds // HOUR
        return ngettext("within %(n)s hour", "within %(n)s hours", hours) % {"n": hours}
    days = seconds // DAY
    return ngettext("within %(n)s day", "within %(n)s days", days) % {"n": days}


def age(moment: datetime.datetime | None, now: datetime.datetime) -> str:
    if moment is None:
        return "—"
    days = (now - moment).days
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


def _rate(rate: float | None) -> object:
    return "" if rate is None else round(rate, 4)


def _days(moment: datetime.datetime | None, now: datetime.datetime) -> object:
    return "" if moment is None else (now - moment).days


def month_label(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def municipality_tables(*, municipality_code: str) -> dict[str, Table]:
    months = selectors.months_back(MONTHS)
    now = timezone.now()
    procedures = selectors.procedure_figures(municipality_code=municipality_code, months=months)
    by_month = selectors.month_figures(municipality_code=municipality_code, months=months)
    period = f"{month_label(months[0])}〜{month_label(months[-1])}"

    procedure_table = Table(
        slug="procedures",
        caption=_("Applications per procedure, %(period)s") % {"period": period},
        header=[
            pgettext("figures", "Procedure"),
            _("Received online"),
            _("Received at the counter"),
            _("Online rate"),
            _("Decided"),
            pgettext("figures", "Returned for correction"),
            _("Received to decision, median"),
            _("Received to decision, 90th percentile"),
            _("Oldest open application"),
        ],
        columns=[
            "procedure_code",
            "received_online",
            "received_counter",
            "online_rate",
            "decided",
            "returned",
            "p50_seconds",
            "p90_seconds",
            "oldest_open_days",
        ],
        rows=[
            [
                row.procedure_name,
                f"{row.received:,}",
                f"{row.counter:,}",
                percent(row.online_rate),
                f"{row.decided:,}",
                f"{row.returned:,}",
                duration(row.p50_seconds),
                duration(row.p90_seconds),
                age(row.oldest_open, now),
            ]
            for row in procedures
        ],
        data=[
            [
                row.procedure_code,
                row.received,
                row.counter,
                _rate(row.online_rate),
                row.decided,
                row.returned,
                "" if row.p50_seconds is None else row.p50_seconds,
                "" if row.p90_seconds is None else row.p90_seconds,
                _days(row.oldest_open, now),
            ]
            for row in procedures
        ],
    )
    procedure_rate_chart = bar_chart(
        slug="procedure-rate",
        title=_("Online rate per procedure, %(period)s") % {"period": period},
        description=_(
            "Horizontal bars: the share of applications received online, per procedure, from 0 "
            "to 100%%. The same figures are in the table 「%(table)s」."
        )
        % {"table": procedure_table.caption},
        rows=[
            (row.procedure_name, row.online_rate, percent(row.online_rate)) for row in procedures
        ],
        maximum=1.0,
    )
    procedure_table = dataclasses.replace(procedure_table, chart=procedure_rate_chart)

    month_table = Table(
        slug="months",
        caption=_("Online rate by month, all procedures"),
        header=[
            _("Month"),
            _("Received online"),
            _("Received at the counter"),
            _("Online rate"),
            _("Decided"),
            pgettext("figures", "Returned for correction"),
        ],
        columns=[
            "month",
            "received_online",
            "received_counter",
            "online_rate",
            "decided",
            "returned",
        ],
        rows=[
            [
                month_label(row.month),
                f"{row.received:,}",
                f"{row.counter:,}",
                percent(row.online_rate),
                f"{row.decided:,}",
                f"{row.returned:,}",
            ]
            for row in by_month
        ],
        data=[
            [
                month_label(r.month),
                r.received,
                r.counter,
                _rate(r.online_rate),
                r.decided,
                r.returned,
            ]
            for r in by_month
        ],
        chart=bar_chart(
            slug="months",
            title=_("Online rate by month, all procedures"),
            description=_(
                "Horizontal bars, one per month from %(first)s to %(last)s: the share of "
                "applications received online, from 0 to 100%%. A month without applications "
                "has no bar. The same figures are in the table beside the chart."
            )
            % {"first": month_label(months[0]), "last": month_label(months[-1])},
            rows=[(month_label(r.month), r.online_rate, percent(r.online_rate)) for r in by_month],
            maximum=1.0,
        ),
    )
    return {"procedures": procedure_table, "months": month_table}


def adoption_tables(*, prefecture_code: str | None) -> dict[str, Table]:
    procedures = selectors.adoption_by_procedure(prefecture_code=prefecture_code)
    areas = selectors.adoption_by_area(prefecture_code=prefecture_code)
    procedure_table = Table(
        slug="procedures",
        caption=_("Adoption per standard procedure"),
        header=[
            pgettext("figures", "Procedure"),
            _("Offered online"),
            _("Registered, not online"),
            _("Not yet registered"),
            _("Organisations"),
            _("Share online"),
        ],
        columns=[
            "procedure_code",
            "online",
            "registered",
            "not_yet",
            "organisations",
            "share_online",
        ],
        rows=[
            [
                a.label,
                f"{a.online:,}",
                f"{a.registered:,}",
                f"{a.not_yet:,}",
                f"{a.total:,}",
                percent(a.rate),
            ]
            for a in procedures
        ],
        data=[
            [a.key, a.online, a.registered, a.not_yet, a.total, _rate(a.rate)] for a in procedures
        ],
        chart=bar_chart(
            slug="adoption-procedures",
            title=_("Share of organisations offering each procedure online"),
            description=_(
                "Horizontal bars, one per standard procedure: the share of the organisations "
                "that run it (municipalities, or prefectures for prefectural procedures) which "
                "offer it online, from 0 to 100%. The same figures are in the table beside it."
            ),
            rows=[(a.label, a.rate, percent(a.rate)) for a in procedures],
            maximum=1.0,
        ),
    )
    area_caption = (
        _("Adoption per municipality, best first")
        if prefecture_code
        else _("Adoption per prefecture, best first")
    )
    area_table = Table(
        slug="areas",
        caption=area_caption,
        header=[
            _("Municipality") if prefecture_code else _("Prefecture"),
            _("Offered online"),
            _("Registered, not online"),
            _("Not yet registered"),
            _("Municipalities × procedures"),
            _("Share online"),
        ],
        columns=["code", "online", "registered", "not_yet", "possible", "share_online"],
        rows=[
            [
                a.label,
                f"{a.online:,}",
                f"{a.registered:,}",
                f"{a.not_yet:,}",
                f"{a.total:,}",
                percent(a.rate),
            ]
            for a in areas
        ],
        data=[[a.key, a.online, a.registered, a.not_yet, a.total, _rate(a.rate)] for a in areas],
        chart=bar_chart(
            slug="adoption-areas",
            title=area_caption,
            description=_(
                "Horizontal bars sorted from the highest share: municipal procedures offered "
                "online over all municipalities × municipal procedures, from 0 to 100%. The "
                "same figures are in the table beside it."
            ),
            rows=[(a.label, a.rate, percent(a.rate)) for a in areas],
            maximum=1.0,
        ),
    )
    return {"procedures": procedure_table, "areas": area_table}
