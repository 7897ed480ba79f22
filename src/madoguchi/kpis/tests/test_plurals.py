"""The figures' durations and ages count in the reader's language: one hour, two hours."""

import datetime

import pytest
from django.utils import translation

from madoguchi.kpis.figures import age, duration
from madoguchi.kpis.types import DAY, HOUR

NOW = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "seconds", "text"),
    [
        ("en", HOUR, "within 1 hour"),
        ("en", 2 * HOUR + 5, "within 2 hours"),
        ("en", DAY, "within 1 day"),
        ("en", 3 * DAY, "within 3 days"),
        ("ja", HOUR, "1時間以内"),
        ("ja", 3 * DAY, "3日以内"),
        ("ja-x-easy", 2 * HOUR, "2時間 以内"),
    ],
)
def test_a_duration_reads_rightly_for_one_and_for_more(language, seconds, text):
    with translation.override(language):
        assert duration(seconds) == text


def test_an_age_of_one_day_is_singular_in_english():
    with translation.override("en"):
        assert age(NOW - datetime.timedelta(days=1), NOW) == "1 day"
        assert age(NOW - datetime.timedelta(days=4), NOW) == "4 days"
    with translation.override("ja"):
        assert age(NOW - datetime.timedelta(days=1), NOW) == "1日"
