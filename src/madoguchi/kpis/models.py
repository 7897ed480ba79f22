"""Aggregates of the figures (docs/kpis.md, docs/adr/0012-kpi-aggregates-18.md).

Nothing here is read from the applications table on a page view: `MonthlyFigure` rows are
added to by the incremental job (kpis.aggregates) as status changes settle, `CounterCount` rows
are what staff enter or upload for paper applications.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.kpis.types import DURATION_BUCKETS


def _empty_histogram() -> list[int]:
    return [0] * (len(DURATION_BUCKETS) + 1)


class MonthlyFigure(models.Model):
    """Online figures of one procedure in one municipality in one month (Japan time): received,
    decided, returned, and the 受付→decision durations as a histogram of fixed buckets."""

    municipality_code = models.CharField(max_length=6)
    procedure_code = models.CharField(max_length=64)
    month = models.DateField(help_text="the first day of the month")
    received = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    # Counts of decisions per duration bucket (kpis.types.DURATION_BUCKETS, the last one open).
    durations = models.JSONField(default=_empty_histogram)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_code", "procedure_code", "month"],
                name="kpis_monthly_unique",
            )
        ]
        indexes = [models.Index(fields=["month", "municipality_code"], name="kpis_monthly_month")]

    def __str__(self) -> str:
        return f"{self.municipality_code} {self.procedure_code} {self.month:%Y-%m}"

    @property
    def decided(self) -> int:
        return self.completed + self.rejected


class CounterCount(models.Model):
    """Applications received at the counter (on paper) in a month, from the municipality's core
    system: entered on the form or uploaded as CSV. One row per procedure and month; a new
    figure replaces the old one."""

    municipality_code = models.CharField(_("Local government code"), max_length=6)
    procedure_code = models.CharField(_("Procedure"), max_length=64)
    month = models.DateField(_("Month"))
    count = models.PositiveIntegerField(_("Counter applications"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_code", "procedure_code", "month"],
                name="kpis_counter_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_code} {self.procedure_code} {self.month:%Y-%m}: {self.count}"


class Watermark(models.Model):
    """How far the incremental job has read a source (the id of the last status change)."""

    name = models.CharField(max_length=32, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
