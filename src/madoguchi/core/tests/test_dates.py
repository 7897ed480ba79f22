"""Dates follow the resident's language (core/formats, core/dates.py; docs/i18n.md#dates)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from madoguchi.core.dates import date_text, datetime_text, japanese_active

DAY = datetime.date(2026, 12, 3)
# 15:30 UTC is 00:30 the next day in Tokyo: shown in Japan time.
MOMENT = datetime.datetime(2026, 12, 3, 15, 30, tzinfo=datetime.UTC)
PACKAGE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("language", "day", "moment", "japanese"),
    [
        ("ja", "2026年12月3日", "2026年12月4日 00:30", True),
        ("ja-x-easy", "2026年12月3日", "2026年12月4日 00:30", True),
        ("en", "3 December 2026", "4 December 2026, 00:30", False),
    ],
)
def test_dates_in_each_language(language, day, moment, japanese):
    with translation.override(language):
        assert date_text(DAY) == day
        assert datetime_text(MOMENT) == moment
        assert japanese_active() is japanese
        # Templates write {{ d|date }} and {{ t|date:"DATETIME_FORMAT" }}: the same formats.
        html = Template('{{ d|date }}|{{ t|date:"DATETIME_FORMAT" }}').render(
            Context({"d": DAY, "t": MOMENT})
        )
        assert html == f"{day}|{moment}"


def test_english_months_are_words_and_short_dates_are_iso():
    with translation.override("en"):
        assert date_text(datetime.date(2027, 5, 1)) == "1 May 2027"
        html = Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(Context({"d": DAY}))
        assert html == "2026-12-03"  # never the ambiguous 12/03/2026


def test_no_template_hard_codes_a_japanese_date_format():
    hard_coded = re.compile(r"\|date:\s*[\"'][^\"']*[年月日]")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.glob("*/templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hard_coded.search(line)
    ]
    assert offenders == []
