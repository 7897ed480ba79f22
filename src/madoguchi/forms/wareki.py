"""和暦 (Japanese era) dates: parsing what residents type, and displaying stored ISO dates.

Data is always a Western-calendar `datetime.date` (ISO 8601 in storage); eras exist only at the
edges. Era boundaries are the days the new era began (改元日). Japan adopted the Gregorian
calendar on 明治6年1月1日 (1873-01-01); earlier 明治 dates were lunisolar and have no direct
Gregorian equivalent, so they are refused rather than converted wrongly.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

GREGORIAN_ADOPTION = datetime.date(1873, 1, 1)


@dataclass(frozen=True)
class Era:
    key: str
    name: str
    letter: str
    start: datetime.date


# Newest first, so the first era whose start is <= a date is that date's era.
ERAS: tuple[Era, ...] = (
    Era("reiwa", "令和", "R", datetime.date(2019, 5, 1)),
    Era("heisei", "平成", "H", datetime.date(1989, 1, 8)),
    Era("showa", "昭和", "S", datetime.date(1926, 12, 25)),
    Era("taisho", "大正", "T", datetime.date(1912, 7, 30)),
    Era("meiji", "明治", "M", datetime.date(1868, 1, 25)),
)
ERA_BY_KEY = {era.key: era for era in ERAS}
_ERA_LOOKUP = {
    **{e.key: e for e in ERAS},
    **{e.name: e for e in ERAS},
    **{e.letter: e for e in ERAS},
    **{e.letter.lower(): e for e in ERAS},
}


class WarekiError(ValueError):
    """A date that cannot be understood, or an era year/day that does not exist."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def era_end(era: Era) -> datetime.date | None:
    """The last day of `era` (None for the current one)."""
    index = ERAS.index(era)
    if index == 0:
        return None
    return ERAS[index - 1].start - datetime.timedelta(days=1)


def to_wareki(value: datetime.date) -> tuple[Era, int]:
    """(era, era year) of a Gregorian date; year 1 is 元年."""
    if value < GREGORIAN_ADOPTION:
        raise WarekiError("before_gregorian")
    for era in ERAS:
        if value >= era.start:
            return era, value.year - era.start.year + 1
    raise WarekiError("before_gregorian")  # pragma: no cover - guarded above


def from_wareki(era: Era, year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of era/year/month/day, refusing days outside the era."""
    if year < 1:
        raise WarekiError("invalid_date")
    try:
        value = datetime.date(era.start.year + year - 1, month, day)
    except (ValueError, OverflowError):
        raise WarekiError("invalid_date") from None
    end = era_end(era)
    if value < era.start or (end is not None and value > end):
        raise WarekiError("outside_era", era=era.name)
    if value < GREGORIAN_ADOPTION:
        raise WarekiError("before_gregorian")
    return value


def format_wareki(value: datetime.date) -> str:
    """令和6年4月1日 (元年 for the first year)."""
    era, year = to_wareki(value)
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{value.month}月{value.day}日"


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WESTERN = re.compile(r"^(\d{4})[年/.](\d{1,2})[月/.](\d{1,2})日?$")
_JAPANESE = re.compile(
    r"^(令和|平成|昭和|大正|明治|[RHSTMrhstm])(元|\d{1,3})[年/.\-](\d{1,2})[月/.\-](\d{1,2})日?$"
)


def parse_date_text(text: str) -> datetime.date:
    """Accept 2024-04-01, 2024/4/1, 2024年4月1日, 令和6年4月1日, 令和元年5月1日, R6.4.1 —
    in full or half width, with or without spaces."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if not compact:
        raise WarekiError("invalid_date")
    if match := _ISO.match(compact) or _WESTERN.match(compact):
        year, month, day = (int(g) for g in match.groups())
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            raise WarekiError("invalid_date") from None
        if value < GREGORIAN_ADOPTION:
            raise WarekiError("before_gregorian")
        return value
    if match := _JAPANESE.match(compact):
        era_text, year_text, month_text, day_text = match.groups()
        era = _ERA_LOOKUP[era_text]
        year = 1 if year_text == "元" else int(year_text)
        return from_wareki(era, year, int(month_text), int(day_text))
    raise WarekiError("invalid_date")
