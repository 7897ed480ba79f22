from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model

from madoguchi.accounts.models import Household, Resident
from madoguchi.linkage.services import linkage_demo_load

CHIYODA = "131016"
YOKOHAMA = "141003"


@pytest.fixture
def chiyoda(pki) -> None:
    """Demo residents with cards, the linkage agencies and the demo 地方税 records."""
    linkage_demo_load()


@pytest.fixture
def admin_user(chiyoda):
    return get_user_model().objects.get(username="chiyoda-admin")


@pytest.fixture
def worker(chiyoda):
    return get_user_model().objects.get(username="chiyoda-worker")


def person(household: Household, *, birth: datetime.date, head: bool = False, **extra) -> Resident:
    return Resident.objects.create(
        municipality_id=household.municipality_id,
        household=household,
        is_householder=head,
        relationship="世帯主" if head else "子",
        family_name="試験",
        given_name="花子" if not head else "太郎",
        family_name_kana="シケン",
        given_name_kana="タロウ" if head else "ハナコ",
        birth_date=birth,
        gender="0",
        postal_code="1000001",
        address="東京都千代田区千代田1-1",
        **extra,
    )


def household(code: str, municipality: str = CHIYODA) -> Household:
    return Household.objects.create(municipality_id=municipality, code=code)
