from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

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


def at_once(actions: list[Callable[[], str]]) -> tuple[list[str], list[str]]:
    """Run the actions in threads released together (each on its own connection); their
    outcomes sorted, and any unexpected error."""
    barrier = threading.Barrier(len(actions))
    results: list[str] = []
    errors: list[str] = []

    def run(action: Callable[[], str]) -> None:
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # pragma: no cover - reported by the caller's assertion
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results), errors
