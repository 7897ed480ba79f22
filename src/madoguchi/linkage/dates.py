"""The registry's rules about days: whether a person is recorded on a day (a benefit's 基準日,
the household lists of the 住民基本台帳 holder) and whether they are a 児童 on it. Pure
functions: the bulk read (registry.py) and the holder (holders.py) both use them."""

from __future__ import annotations

import datetime


def recorded_on(
    *,
    day: datetime.date,
    birth_date: datetime.date,
    moved_in_on: datetime.date | None,
    moved_out_on: datetime.date | None,
    deceased_on: datetime.date | None,
) -> bool:
    if birth_date > day:
        return False
    if moved_in_on is not None and moved_in_on > day:
        return False
    if moved_out_on is not None and moved_out_on <= day:
        return False
    return not (deceased_on is not None and deceased_on <= day)


def is_child_on(birth_date: datetime.date, day: datetime.date) -> bool:
    """児童 of the Child Allowance Act: from birth until the first 31 March on or after the day
    they reach 18 (a person reaches an age the day before the birthday)."""
    if birth_date > day:
        return False
    try:
        birthday_18 = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # 29 February
        birthday_18 = datetime.date(birth_date.year + 18, 3, 1)
    reaches = birthday_18 - datetime.timedelta(days=1)
    last = datetime.date(reaches.year if reaches.month <= 3 else reaches.year + 1, 3, 31)
    return day <= last
