"""Residents from an identity provider's verified claims: created, found, updated with history;
households from the registry adapter or declared."""

import datetime

import pytest

from madoguchi.accounts.models import Resident, ResidentChange
from madoguchi.accounts.services import resident_from_identity, resident_household_declare
from madoguchi.accounts.types import HouseholdSource, PersonRecord

pytestmark = pytest.mark.django_db
ISSUER = "https://auth.example.jp"

HANAKO = PersonRecord(
    family_name="𠮷田",
    given_name="花子",
    family_name_kana="ヨシダ",
    given_name_kana="ハナコ",
    birth_date=datetime.date(1987, 9, 30),
    gender="2",
    postal_code="1020083",
    address="東京都千代田区麹町二丁目1番1号",
)


def test_the_registry_adapter_gives_the_household_and_the_key_is_per_issuer(master, settings):
    settings.ACCOUNTS_RESIDENT_REGISTRY = "demo"
    resident = resident_from_identity(
        issuer=ISSUER, subject="abc", person=HANAKO, municipality_code="131016"
    )
    assert resident is not None
    assert resident.household.code == "H0001" and resident.household.source == "registry"
    assert (resident.relationship, resident.is_householder) == ("妻", False)  # as registered
    # The same subject at another issuer is another person.
    other = resident_from_identity(
        issuer="https://other.example.jp",
        subject="abc",
        person=PersonRecord(
            family_name="佐藤",
            given_name="一",
            birth_date=datetime.date(2001, 1, 1),
            address="東京都千代田区一番町1番地",
        ),
        municipality_code="131016",
    )
    assert other is not None and other.pk != resident.pk
    assert Resident.objects.count() == 2


def test_without_an_adapter_the_household_is_unconfirmed_until_declared(master, settings):
    settings.ACCOUNTS_RESIDENT_REGISTRY = ""
    resident = resident_from_identity(
        issuer=ISSUER, subject="h", person=HANAKO, municipality_code="131016"
    )
    assert resident is not None and resident.household.source == HouseholdSource.UNCONFIRMED
    resident = resident_household_declare(
        resident=resident, is_householder=False, relationship="妻"
    )
    assert resident.household.source == HouseholdSource.DECLARED
    assert (resident.is_householder, resident.relationship) == (False, "妻")
    assert ResidentChange.objects.get(resident=resident).source == "declaration"


def test_later_sign_ins_update_with_history_and_keep_what_the_issuer_leaves_out(master):
    resident = resident_from_identity(
        issuer=ISSUER, subject="s", person=HANAKO, municipality_code="131016"
    )
    assert resident is not None
    moved = PersonRecord(
        family_name="𠮷田", given_name="花子", address="神奈川県横浜市中区本町6丁目50番地の10"
    )
    again = resident_from_identity(
        issuer=ISSUER, subject="s", person=moved, municipality_code="141003"
    )
    assert again is not None and again.pk == resident.pk
    assert again.municipality_id == "141003" and again.birth_date == HANAKO.birth_date
    change = ResidentChange.objects.get(resident=again)
    assert set(change.changes) == {"address", "municipality"}
    assert change.changes["municipality"] == {"old": "131016", "new": "141003"}
    assert again.household.municipality_id == "141003"
    # Nothing new: no history row.
    resident_from_identity(issuer=ISSUER, subject="s", person=moved, municipality_code="141003")
    assert ResidentChange.objects.filter(resident=again).count() == 1


def test_claims_too_thin_for_a_record_make_no_resident(master):
    thin = PersonRecord(family_name="匿名", given_name="希望")
    assert (
        resident_from_identity(issuer=ISSUER, subject="t", person=thin, municipality_code=None)
        is None
    )
    assert not Resident.objects.exists()
