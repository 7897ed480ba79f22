"""Helpers for tests (and benchmarks) of notices and the apps that send them."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth import get_user_model

from madoguchi.accounts.models import Household, Resident

_serial = itertools.count(1)


def resident_in(
    municipality_id: str, *, email: str = "", with_user: bool = True, household: str = ""
) -> Resident:
    """A registered resident of `municipality_id` (householder of a new household unless
    `household` names one), optionally with a user as after a first sign-in."""
    n = next(_serial)
    code = household or f"T{n:06d}"
    home, created = Household.objects.get_or_create(municipality_id=municipality_id, code=code)
    user = (
        get_user_model().objects.create_user(username=f"resident-{municipality_id}-{n}")
        if with_user
        else None
    )
    return Resident.objects.create(
        user=user,
        municipality_id=municipality_id,
        household=home,
        is_householder=created,
        relationship="世帯主" if created else "子",
        family_name="試験",
        given_name=f"太郎{n}",
        family_name_kana="シケン",
        given_name_kana="タロウ",
        birth_date=datetime.date(1980, 1, 1),
        gender="1",
        postal_code="1000001",
        address="東京都千代田区千代田1番1号",
        email=email,
    )
