"""The 住民基本台帳 holder's lists of people (docs/linkage.md): the other members of the
person's household and the children among them, as the registry has them, and the access
list saying which 事務 may ask for which list."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from madoguchi.accounts.models import Household
from madoguchi.accounts.types import HouseholdSource
from madoguchi.linkage import hub as hub_module
from madoguchi.linkage.dates import is_child_on
from madoguchi.linkage.models import AccessRule, Agency, ExchangeRecord
from madoguchi.linkage.services import residency_set
from madoguchi.linkage.types import AccessDenied, Outcome
from madoguchi.signatures.testing import demo_resident

pytestmark = pytest.mark.django_db

LISTS = ["jumin.household_children", "jumin.household_members"]


def _ask(jimu: str, items: list[str], key: str = "yoshida-taro") -> dict[str, Any]:
    requester = {
        "child-allowance": "kodomo",
        "childcare": "hoiku",
        "disaster-certificate": "bousai",
    }
    fetched = hub_module.exchange(
        requester=Agency.objects.get(code=f"131016-{requester[jimu]}"),
        holder=Agency.objects.get(code="131016-jumin"),
        subject=demo_resident(key).subject,
        items=items,
        jimu=jimu,
        initiated_by="resident",
    )
    return fetched.values


def test_the_registry_lists_the_household_and_its_children_exactly_as_registered(hub):
    values = _ask("childcare", LISTS)
    members = values["jumin.household_members"]
    # The other members, oldest first; the person asking is not in their own list.
    assert [m["name"] for m in members] == [
        {"family": "𠮷田", "given": "花子"},
        {"family": "𠮷田", "given": "陽翔"},
        {"family": "𠮷田", "given": "結衣"},
    ]
    assert members[0] == {
        "name": {"family": "𠮷田", "given": "花子"},
        "name_kana": {"family": "ヨシダ", "given": "ハナコ"},
        "birth_date": "1987-09-30",
        "relationship": "妻",  # 続柄 to the householder, as registered
        "sex": "2",
    }
    children = values["jumin.household_children"]
    assert [(c["name"]["given"], c["birth_date"], c["relationship"]) for c in children] == [
        ("陽翔", "2019-06-01", "子"),
        ("結衣", "2023-02-14", "子"),
    ]


def test_a_member_who_moved_out_or_a_household_only_declared_is_not_listed(hub):
    haruto = demo_resident("yoshida-haruto")
    residency_set(resident_id=haruto.pk, moved_out_on=datetime.date.today())
    given = [c["name"]["given"] for c in _ask("childcare", LISTS)["jumin.household_children"]]
    assert given == ["結衣"]
    taro = demo_resident("yoshida-taro")
    Household.objects.filter(pk=taro.household_id).update(source=HouseholdSource.DECLARED)
    values = _ask("childcare", LISTS)
    assert values["jumin.household_members"] == [] and values["jumin.household_children"] == []


def test_children_are_children_until_the_31_march_after_they_reach_18():
    day = datetime.date(2026, 12, 4)
    assert is_child_on(datetime.date(2008, 4, 2), day)  # reaches 18 on 2026-04-01: until 2027-03-31
    assert not is_child_on(datetime.date(2008, 4, 1), day)  # reaches 18 on 2026-03-31
    assert is_child_on(datetime.date(2026, 12, 4), day)  # born today
    assert not is_child_on(datetime.date(2026, 12, 5), day)  # not born yet
    assert is_child_on(datetime.date(2008, 2, 29), datetime.date(2026, 3, 31))
    assert not is_child_on(datetime.date(2008, 2, 29), datetime.date(2026, 4, 1))


@pytest.mark.parametrize(
    ("jimu", "allowed", "refused"),
    [
        ("child-allowance", "jumin.household_children", "jumin.household_members"),
        ("disaster-certificate", "jumin.household_members", "jumin.household_children"),
    ],
)
def test_the_access_list_says_which_task_may_ask_for_which_list(hub, jimu, allowed, refused):
    assert allowed in _ask(jimu, [allowed])
    with pytest.raises(AccessDenied):
        _ask(jimu, [refused])
    denied = ExchangeRecord.objects.get(outcome=Outcome.DENIED)
    assert denied.items == [refused] and denied.side == "requester"
    # The holder was not asked.
    assert not ExchangeRecord.objects.filter(exchange_id=denied.exchange_id, side="holder")
    rules = {
        rule.jimu: set(rule.items) for rule in AccessRule.objects.filter(holder="131016-jumin")
    }
    assert set(LISTS) <= rules["childcare"]
    assert "jumin.household_members" not in rules["child-allowance"]
    assert "jumin.household_children" not in rules["disaster-certificate"]
