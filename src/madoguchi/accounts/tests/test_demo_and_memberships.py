import pytest
from django.db import IntegrityError, transaction

from madoguchi.accounts.models import Membership, Resident, User
from madoguchi.accounts.selectors import is_national_admin, municipality_codes_for
from madoguchi.accounts.services import DEMO_PASSWORD, demo_data_load, demo_resident_subject
from madoguchi.accounts.types import Role

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent(demo):
    second = demo_data_load()
    assert (second.created, second.updated) == (0, 0)


def test_demo_residents_keep_names_outside_jis_x_0208_exactly(demo):
    names = {r.family_name for r in Resident.objects.all()}
    assert {"𠮷田", "髙橋", "山﨑"} <= names
    katsuragi = Resident.objects.get(subject=demo_resident_subject("katsuragi-ken"))
    # 葛 followed by VARIATION SELECTOR-17 (an ideographic variation sequence).
    assert katsuragi.family_name == "葛\U000e0100城"
    yoshida = Resident.objects.get(subject=demo_resident_subject("yoshida-taro"))
    assert yoshida.family_name == "\U00020bb7田"
    assert yoshida.is_householder
    assert yoshida.household.members.count() == 4


def test_every_household_has_one_householder(demo):
    for resident in Resident.objects.filter(is_householder=False):
        assert resident.household.members.filter(is_householder=True).count() == 1


def test_demo_residents_live_in_chiyoda_at_real_postal_codes(demo, client):
    for resident in Resident.objects.all():
        assert resident.municipality_id == "131016"
        response = client.get("/api/v1/municipalities", {"postal_code": resident.postal_code})
        assert [m["code"] for m in response.json()["results"]] == ["131016"]


def test_demo_staff_can_log_in_with_the_documented_password(demo):
    user = User.objects.get(username="chiyoda-worker")
    assert user.check_password(DEMO_PASSWORD)


def test_municipality_scope_comes_from_memberships(demo):
    chiyoda = User.objects.get(username="chiyoda-editor")
    yokohama = User.objects.get(username="yokohama-admin")
    assert municipality_codes_for(user=chiyoda) == {"131016"}
    assert municipality_codes_for(user=chiyoda, roles=[Role.CASE_WORKER]) == set()
    assert municipality_codes_for(user=yokohama) == {"141003"}
    national = User.objects.get(username="national-admin")
    assert is_national_admin(user=national)
    assert not is_national_admin(user=chiyoda)
    # The national administrator maintains masters; it sees no municipality's residents.
    assert municipality_codes_for(user=national) == set()


def test_national_admin_role_cannot_be_bound_to_a_municipality(demo):
    user = User.objects.get(username="chiyoda-admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, municipality_id="131016", role=Role.NATIONAL_ADMIN)


def test_municipal_roles_need_a_municipality(demo):
    user = User.objects.get(username="chiyoda-admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, municipality=None, role=Role.CASE_WORKER)
