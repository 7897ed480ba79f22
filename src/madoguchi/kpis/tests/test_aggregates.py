"""The online-usage rate from known numbers, computed by the incremental job over real received
applications and their status history."""

import datetime

import pytest
from django.utils import timezone

from madoguchi.applications.models import Application
from madoguchi.applications.services import application_status_change
from madoguchi.kpis.aggregates import aggregates_update, duration_bucket
from madoguchi.kpis.models import MonthlyFigure, Watermark
from madoguchi.kpis.selectors import month_figures, percentile_seconds, procedure_figures
from madoguchi.kpis.types import DAY, DURATION_BUCKETS, HOUR, online_rate

from .conftest import CHIYODA, this_month

pytestmark = pytest.mark.django_db
LATER = datetime.timedelta(hours=1)


def test_online_rate_from_known_numbers():
    assert online_rate(3, 7) == 0.3
    assert online_rate(10, 0) == 1.0
    assert online_rate(0, 5) == 0.0
    assert online_rate(0, 0) is None


def test_percentiles_read_from_buckets():
    histogram = [0] * (len(DURATION_BUCKETS) + 1)
    histogram[duration_bucket(30 * 60)] = 5  # within an hour
    histogram[duration_bucket(2.5 * DAY)] = 4  # within 3 days
    histogram[duration_bucket(40 * DAY)] = 1  # within 45 days
    assert percentile_seconds(histogram, 0.5) == HOUR
    assert percentile_seconds(histogram, 0.9) == 3 * DAY
    assert percentile_seconds(histogram, 1.0) == 45 * DAY
    assert percentile_seconds([0] * len(histogram), 0.5) is None


@pytest.fixture
def worked(received):
    """Four received applications; one decided, one rejected, one returned; the fourth was
    sent with a portal's test key."""
    first, second, third, fourth = received
    application_status_change(application=first, to_status="completed", actor=None)
    application_status_change(
        application=second, to_status="returned", actor=None, message="住所を直してください"
    )
    application_status_change(application=third, to_status="in_review", actor=None)
    application_status_change(application=third, to_status="rejected", actor=None)
    Application.objects.filter(pk=fourth.pk).update(is_test=True)
    return received


def test_job_counts_received_decided_returned_and_leaves_test_keys_out(worked):
    result = aggregates_update(now=timezone.now() + LATER)
    # 4 receipts + completed + returned + in_review + rejected
    assert result.events == 8
    assert result.excluded == 1  # the test-key receipt
    row = MonthlyFigure.objects.get(
        municipality_code=CHIYODA, procedure_code="disaster-certificate", month=this_month()
    )
    assert (row.received, row.completed, row.rejected, row.returned) == (3, 1, 1, 1)
    assert sum(row.durations) == 2
    assert row.durations[0] == 2  # decided within the hour

    # Running again reads nothing new and changes nothing.
    again = aggregates_update(now=timezone.now() + LATER)
    assert again.events == 0
    row.refresh_from_db()
    assert row.received == 3


def test_rate_with_counter_counts(worked):
    from madoguchi.accounts.models import User
    from madoguchi.kpis.counter_csv import CounterRow
    from madoguchi.kpis.services import counter_counts_store

    aggregates_update(now=timezone.now() + LATER)
    counter_counts_store(
        rows=[CounterRow(CHIYODA, "disaster-certificate", this_month(), 7)],
        actor=User.objects.get(username="chiyoda-worker"),
        source="test",
    )
    (figures,) = procedure_figures(municipality_code=CHIYODA, months=[this_month()])
    assert (figures.received, figures.counter) == (3, 7)
    assert figures.online_rate == pytest.approx(0.3)
    assert figures.decided == 2 and figures.returned == 1
    assert figures.p50_seconds == HOUR
    assert figures.oldest_open is not None  # the returned one is still open
    (month,) = month_figures(municipality_code=CHIYODA, months=[this_month()])
    assert month.online_rate == pytest.approx(0.3)


def test_changes_are_read_only_once_settled(worked):
    assert aggregates_update().events == 0  # all recorded less than KPIS_SETTLE_SECONDS ago
    assert Watermark.objects.get().last_id == 0
    assert not MonthlyFigure.objects.exists()


def test_production_leaves_demo_residents_out(worked, settings):
    settings.DEMO_SWITCHES_ALLOWED = False
    result = aggregates_update(now=timezone.now() + LATER)
    assert result.counted == 0
    assert not MonthlyFigure.objects.exists()


def test_small_batches_add_up_to_one_run(worked):
    now = timezone.now() + LATER
    first = aggregates_update(now=now, batch_size=3)
    assert first.batches == 3
    row = MonthlyFigure.objects.get()
    assert row.received == 3


def test_the_command_updates_and_writes_the_day_snapshot(worked, settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.KPIS_OPENDATA_DIR = tmp_path
    settings.KPIS_SETTLE_SECONDS = 0
    out = io.StringIO()
    call_command("kpis_update", stdout=out)
    assert "8 status changes read, 6 counted, 1 excluded" in out.getvalue()
    assert (tmp_path / timezone.localdate().isoformat() / "catalog.csv").is_file()
    assert MonthlyFigure.objects.get().received == 3
