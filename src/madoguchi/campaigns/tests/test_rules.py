"""The rule on one household: legal age, the registry on the 基準日, tax, amounts."""

import datetime

import pytest

from madoguchi.campaigns.rules import age_on, assess
from madoguchi.campaigns.types import Rule
from madoguchi.linkage.registry import recorded_on
from madoguchi.linkage.types import RegistryHousehold, RegistryPerson

BASE = datetime.date(2026, 1, 1)
DAY = datetime.timedelta(days=1)


def p(pk, birth, *, head=False, taxable=None, moved_in=None, moved_out=None, died=None):
    return RegistryPerson(
        resident_id=pk,
        birth_date=birth,
        is_householder=head,
        recorded=recorded_on(
            day=BASE,
            birth_date=birth,
            moved_in_on=moved_in,
            moved_out_on=moved_out,
            deceased_on=died,
        ),
        moved_in_on=moved_in,
        moved_out_on=moved_out,
        deceased_on=died,
        taxable=taxable,
    )


def test_legal_age_counts_up_at_the_end_of_the_day_before_the_birthday():
    # Born 2008-01-02: the 18th birthday is the day after the base date, so 18 on it already.
    assert age_on(datetime.date(2008, 1, 2), BASE) == 18
    assert age_on(datetime.date(2008, 1, 3), BASE) == 17
    assert age_on(datetime.date(2008, 1, 1), BASE) == 18
    # Born on the base date: 0, and recorded.
    assert age_on(BASE, BASE) == 0
    # 29 February: one year older at the end of 28 February in a common year.
    assert age_on(datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)) == 1
    assert age_on(datetime.date(2024, 2, 29), datetime.date(2025, 2, 27)) == 0


def test_recorded_on_the_base_date():
    assert recorded_on(
        day=BASE, birth_date=BASE, moved_in_on=None, moved_out_on=None, deceased_on=None
    )
    assert not recorded_on(
        day=BASE, birth_date=BASE + DAY, moved_in_on=None, moved_out_on=None, deceased_on=None
    )
    # Moved in the day after: not recorded; moved in on the day: recorded.
    born = datetime.date(1990, 5, 5)
    assert not recorded_on(
        day=BASE, birth_date=born, moved_in_on=BASE + DAY, moved_out_on=None, deceased_on=None
    )
    assert recorded_on(
        day=BASE, birth_date=born, moved_in_on=BASE, moved_out_on=None, deceased_on=None
    )
    # Moved out the day after: still recorded on the day; moved out on the day: not.
    assert recorded_on(
        day=BASE, birth_date=born, moved_in_on=None, moved_out_on=BASE + DAY, deceased_on=None
    )
    assert not recorded_on(
        day=BASE, birth_date=born, moved_in_on=None, moved_out_on=BASE, deceased_on=None
    )
    # Died before or on the day: not recorded; the day after: recorded.
    assert not recorded_on(
        day=BASE, birth_date=born, moved_in_on=None, moved_out_on=None, deceased_on=BASE
    )
    assert recorded_on(
        day=BASE, birth_date=born, moved_in_on=None, moved_out_on=None, deceased_on=BASE + DAY
    )


def test_household_amount_counts_children_under_the_limit():
    rule = Rule(
        base_date=BASE, amount_per_household=30000, amount_per_child=20000, child_age_under=18
    )
    home = RegistryHousehold(
        household_id=1,
        members=(
            p(1, datetime.date(1980, 1, 1), head=True),
            p(2, BASE),  # born on the base date: a child, counted
            p(3, datetime.date(2008, 1, 2)),  # 18 on the base date: not a child
            p(4, BASE + DAY),  # born the day after: not recorded
        ),
    )
    result = assess(rule, home)
    assert result.eligible
    assert (result.persons, result.children, result.amount) == (3, 1, 50000)
    assert result.applicant_id == 1


def test_tax_exempt_household_needs_every_recorded_member_untaxed():
    rule = Rule(base_date=BASE, tax_exempt=True, amount_per_household=70000)
    taxed = RegistryHousehold(
        household_id=1,
        members=(
            p(1, datetime.date(1950, 1, 1), head=True, taxable=False),
            p(2, datetime.date(1952, 1, 1), taxable=True),
        ),
    )
    refused = assess(rule, taxed)
    assert not refused.eligible and "住民税" in refused.reason
    # The taxed member moved in after the base date: not recorded, so the household qualifies.
    later = RegistryHousehold(
        household_id=2,
        members=(
            p(1, datetime.date(1950, 1, 1), head=True, taxable=False),
            p(2, datetime.date(1952, 1, 1), taxable=True, moved_in=BASE + DAY),
        ),
    )
    assert assess(rule, later).amount == 70000


@pytest.mark.parametrize(
    ("members", "eligible"),
    [
        ((p(1, datetime.date(1990, 1, 1), head=True, moved_in=BASE + DAY),), False),
        ((p(1, datetime.date(1990, 1, 1), head=True, moved_out=BASE + DAY),), True),
        ((p(1, datetime.date(1990, 1, 1), head=True, died=BASE - DAY),), False),
    ],
    ids=["moved-in-the-day-after", "moved-out-the-day-after", "died-before"],
)
def test_registry_edges(members, eligible):
    rule = Rule(base_date=BASE, amount_per_person=100000)
    assert assess(rule, RegistryHousehold(household_id=1, members=members)).eligible is eligible


def test_person_unit_counts_only_those_in_the_age_band():
    rule = Rule(base_date=BASE, unit="person", age_min=65, amount_per_person=10000)
    home = RegistryHousehold(
        household_id=1,
        members=(
            p(1, datetime.date(1950, 6, 1), head=True),
            p(2, datetime.date(1962, 1, 2)),
            p(3, datetime.date(1990, 1, 1)),
        ),
    )
    result = assess(rule, home)
    # Born 1962-01-02: 64 on the base date (the 64th birthday is the day after), not 65.
    assert (result.persons, result.amount) == (1, 10000)
    nobody = RegistryHousehold(
        household_id=2, members=(p(9, datetime.date(1990, 1, 1), head=True),)
    )
    refused = assess(rule, nobody)
    assert not refused.eligible and refused.reason
