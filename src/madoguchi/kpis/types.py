"""Types of the kpis app: the fixed duration buckets and the figure rows other code renders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

HOUR = 3600
DAY = 24 * HOUR
# Upper edges (seconds) of the 受付→decision duration buckets; one more bucket holds the rest.
# p50/p90 are read as the upper edge of the bucket the rank falls in (docs/kpis.md).
DURATION_BUCKETS: tuple[int, ...] = (
    HOUR,
    4 * HOUR,
    DAY,
    2 * DAY,
    3 * DAY,
    5 * DAY,
    7 * DAY,
    10 * DAY,
    14 * DAY,
    21 * DAY,
    30 * DAY,
    45 * DAY,
    60 * DAY,
    90 * DAY,
    180 * DAY,
    365 * DAY,
)


@dataclass(frozen=True)
class ProcedureFigures:
    """One row of the municipality dashboard's table."""

    procedure_code: str
    procedure_name: str
    received: int
    counter: int
    decided: int
    returned: int
    p50_seconds: int | None
    p90_seconds: int | None
    oldest_open: datetime.datetime | None

    @property
    def online_rate(self) -> float | None:
        return online_rate(self.received, self.counter)


def online_rate(online: int, counter: int) -> float | None:
    """オンライン利用率: online applications received over all applications (None when there
    were none at all)."""
    total = online + counter
    if total == 0:
        return None
    return online / total
