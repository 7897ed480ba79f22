"""申請の受付条件 on the staff form page: who may change it, and what they see."""

from __future__ import annotations

import pytest

from madoguchi.accounts.models import Membership, User
from madoguchi.audit.models import AuditEvent
from madoguchi.catalog.models import Offering
from madoguchi.catalog.selectors import application_limit_cache
from madoguchi.reception.testing import staff_login

from .conftest import CHIYODA

pytestmark = pytest.mark.django_db
BASE = f"/staff/forms/{CHIYODA}/disaster-certificate/"
LIMIT = f"{BASE}limit/"


@pytest.fixture(autouse=True)
def _no_limits_from_other_tests():
    application_limit_cache.clear()


@pytest.fixture
def listed(catalog):
    """The catalog lists the procedure (and 千代田区's demo offering of it)."""


def limit_of(municipality_code: str = CHIYODA) -> str:
    return Offering.objects.get(
        municipality_id=municipality_code, procedure_id="disaster-certificate"
    ).application_limit


def test_editor_sees_the_choices_and_sets_a_household_limit(editor_client, disaster_form, listed):
    page = editor_client.get(BASE).content.decode()
    assert "申請の受付条件" in page
    for label in ("制限なし", "1人につき1件", "1世帯につき1件", "給付金", "取り下げた申請は"):
        assert label in page, label
    assert 'value="none" aria-describedby="id_limit_0_hint" checked' in page

    response = editor_client.post(LIMIT, {"limit": "household"})
    assert response.status_code == 302 and response["Location"] == BASE
    assert limit_of() == "household"
    page = editor_client.get(BASE).content.decode()
    assert "受付条件を保存しました" in page
    assert 'value="household" aria-describedby="id_limit_2_hint" checked' in page
    event = AuditEvent.objects.get(action="offering.limit_changed")
    assert event.data["from"] == "" and event.data["to"] == "household"

    assert editor_client.post(LIMIT, {"limit": "none"}).status_code == 302
    assert limit_of() == ""


@pytest.mark.parametrize("posted", [{"limit": "family"}, {}])
def test_a_bad_or_missing_choice_is_shown_at_the_field(
    editor_client, disaster_form, listed, posted
):
    Offering.objects.filter(municipality_id=CHIYODA, procedure_id="disaster-certificate").update(
        application_limit="resident"
    )
    response = editor_client.post(LIMIT, posted)
    assert response.status_code == 200
    body = response.content.decode()
    assert "受付条件を1つ選んでください" in body
    assert 'class="error-summary"' in body and 'href="#id_limit_0"' in body
    assert 'id="id_limit_0_error"' in body and 'aria-invalid="true"' in body
    assert "<title>エラー" in body
    assert limit_of() == "resident"  # nothing changed, nothing switched off


def test_a_procedure_the_catalog_does_not_list_is_refused_at_the_field(
    editor_client, disaster_form
):
    # No catalog fixture: the form exists but the procedure is not in the catalog.
    response = editor_client.post(LIMIT, {"limit": "resident"})
    assert response.status_code == 200
    assert "手続コード「disaster-certificate」の手続はありません" in response.content.decode()
    assert not Offering.objects.exists()


def test_admin_of_the_municipality_may_set_it(client, disaster_form, listed):
    staff_login(client, "chiyoda-admin")
    assert client.post(LIMIT, {"limit": "resident"}).status_code == 302
    assert limit_of() == "resident"


@pytest.mark.parametrize("role", ["viewer", "case_worker", "auditor"])
def test_other_roles_of_the_municipality_cannot(client, disaster_form, listed, role):
    user = User.objects.create_user(f"chiyoda-{role}-x", password="x" * 16)
    Membership.objects.create(user=user, municipality_id=CHIYODA, role=role)
    staff_login(client, user)
    assert client.get(BASE).status_code == 404
    assert client.post(LIMIT, {"limit": "household"}).status_code == 404
    assert limit_of() == ""
    assert not AuditEvent.objects.filter(action="offering.limit_changed").exists()


@pytest.mark.parametrize("username", ["yokohama-admin", "national-admin"])
def test_staff_of_another_municipality_or_the_nation_cannot_touch_chiyoda(
    client, disaster_form, listed, username
):
    staff_login(client, username)
    assert client.post(LIMIT, {"limit": "household"}).status_code == 404
    assert limit_of() == ""
    assert not AuditEvent.objects.filter(action="offering.limit_changed").exists()


def test_a_get_is_not_allowed_and_anonymous_is_sent_to_sign_in(client, editor_client, listed):
    assert editor_client.get(LIMIT).status_code == 405
    editor_client.logout()
    response = editor_client.post(LIMIT, {"limit": "household"})
    assert response.status_code == 302 and "/staff/login/" in response["Location"]
