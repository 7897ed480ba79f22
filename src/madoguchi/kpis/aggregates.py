"""The incremental job: read status changes past the watermark, add them to the monthly
aggregates, move the watermark — in one transaction (docs/adr/0012-kpi-aggregates-18.md).

Never on the submission path: `make run` runs `manage.py kpis_update --every 60` beside the task
worker; the job reads what the submission wrote (applications' status history) by id.

A change is read once it has *settled* (recorded more than `KPIS_SETTLE_SECONDS` ago, 120 by
default): on PostgreSQL ids are handed out when a row is inserted, not when its transaction
commits, so a change with a smaller id may become visible after a larger one. Submissions and
status changes commit within a second; waiting for them is what keeps the watermark exact.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from madoguchi.accounts.demo import demo_resident_subjects
from madoguchi.applications import selectors as application_selectors
from madoguchi.applications.types import Status
from madoguchi.kpis.models import MonthlyFigure, Watermark
from madoguchi.kpis.types import DURATION_BUCKETS

WATERMARK = "status_changes"
RECEIVED_FROM = {"", Status.DRAFT}
COUNTED = ("received", "completed", "rejected", "returned", "withdrawn")


@dataclass
class UpdateResult:
    events: int = 0
    counted: int = 0
    excluded: int = 0
    rows_written: int = 0
    last_id: int = 0
    batches: int = 0


@dataclass
class _Delta:
    received: int = 0
    completed: int = 0
    rejected: int = 0
    returned: int = 0
    withdrawn: int = 0
    durations: list[int] = field(default_factory=lambda: [0] * (len(DURATION_BUCKETS) + 1))


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of the month `moment` falls in, in Japan time."""
    return timezone.localtime(moment).date().replace(day=1)


def duration_bucket(seconds: float) -> int:
    return bisect.bisect_left(DURATION_BUCKETS, seconds)


def excludes_demo() -> bool:
    """Production (any installation that refuses the demo switches) leaves demo residents'
    applications out of the figures; development and demonstration sites count them."""
    return not settings.DEMO_SWITCHES_ALLOWED


def _excluded(event: dict[str, Any], demo_subjects: set[Any]) -> bool:
    if event["application__is_test"]:
        return True  # sent with a portal's test key
    subject = event["application__resident__subject"]
    return subject is not None and subject in demo_subjects


def _delta_for(event: dict[str, Any]) -> tuple[str, str | None, datetime.datetime] | None:
    """Which counter this change adds to, and from when a decision is measured."""
    to_status = event["to_status"]
    if to_status == Status.SUBMITTED and event["from_status"] in RECEIVED_FROM:
        return ("received", None, event["at"])
    if to_status in (Status.COMPLETED, Status.REJECTED):
        return (str(to_status), "duration", event["at"])
    if to_status in (Status.RETURNED, Status.WITHDRAWN):
        return (str(to_status), None, event["at"])
    return None


def aggregates_update(
    *, batch_size: int = 5000, now: datetime.datetime | None = None, max_batches: int = 0
) -> UpdateResult:
    """Add every settled status change past the watermark to the aggregates (batch by batch,
    one transaction each). Safe to run in several processes at once: a batch whose watermark
    moved meanwhile is rolled back and read again."""
    settle = datetime.timedelta(seconds=getattr(settings, "KPIS_SETTLE_SECONDS", 120))
    settled_before = (now or timezone.now()) - settle
    demo_subjects = set(demo_resident_subjects()) if excludes_demo() else set()
    result = UpdateResult()
    while not max_batches or result.batches < max_batches:
        done = _batch(settled_before, batch_size, demo_subjects, result)
        if done:
            break
    return result


def _batch(
    settled_before: datetime.datetime,
    batch_size: int,
    demo_subjects: set[Any],
    result: UpdateResult,
) -> bool:
    with transaction.atomic():
        mark, _ = Watermark.objects.get_or_create(name=WATERMARK)
        events = application_selectors.status_change_events(
            after_id=mark.last_id, settled_before=settled_before, limit=batch_size
        )
        if not events:
            result.last_id = mark.last_id
            return True
        new_last = int(events[-1]["pk"])
        # Claim the batch first: a concurrent run that read the same watermark updates nothing
        # here and starts over (on SQLite this also takes the write lock at once).
        claimed = Watermark.objects.filter(name=WATERMARK, last_id=mark.last_id).update(
            last_id=new_last, updated_at=timezone.now()
        )
        if not claimed:
            transaction.set_rollback(True)
            return False
        deltas: dict[tuple[str, str, datetime.date], _Delta] = defaultdict(_Delta)
        for event in events:
            result.events += 1
            what = _delta_for(event)
            if what is None:
                continue
            if _excluded(event, demo_subjects):
                result.excluded += 1
                continue
            counter, measure, at = what
            key = (
                event["application__municipality_id"],
                event["application__procedure_code"],
                month_of(at),
            )
            delta = deltas[key]
            setattr(delta, counter, getattr(delta, counter) + 1)
            submitted = event["application__submitted_at"]
            if measure and submitted is not None:
                seconds = max((at - submitted).total_seconds(), 0.0)
                delta.durations[duration_bucket(seconds)] += 1
            result.counted += 1
        result.rows_written += _apply(deltas)
        result.last_id = new_last
        result.batches += 1
    return len(events) < batch_size


def _apply(deltas: dict[tuple[str, str, datetime.date], _Delta]) -> int:
    if not deltas:
        return 0
    # The rows of these keys, month by month through the (month, municipality) index: a batch
    # costs its keys (at most 28 procedures per municipality and month), not the table.
    by_month: dict[datetime.date, set[str]] = defaultdict(set)
    for municipality_code, _procedure_code, month in deltas:
        by_month[month].add(municipality_code)
    existing: dict[tuple[str, str, datetime.date], MonthlyFigure] = {}
    for month, codes in by_month.items():
        for found in MonthlyFigure.objects.select_for_update().filter(
            month=month, municipality_code__in=sorted(codes)
        ):
            key = (found.municipality_code, found.procedure_code, found.month)
            if key in deltas:
                existing[key] = found
    changed: list[MonthlyFigure] = []
    created: list[MonthlyFigure] = []
    for key, delta in deltas.items():
        row = existing.get(key)
        if row is None:
            row = MonthlyFigure(municipality_code=key[0], procedure_code=key[1], month=key[2])
            created.append(row)
        else:
            changed.append(row)
        for name in COUNTED:
            setattr(row, name, getattr(row, name) + getattr(delta, name))
        row.durations = [a + b for a, b in zip(row.durations, delta.durations, strict=True)]
    if changed:
        MonthlyFigure.objects.bulk_update(changed, [*COUNTED, "durations"], batch_size=500)
    if created:
        MonthlyFigure.objects.bulk_create(created, batch_size=500)
    return len(changed) + len(created)
