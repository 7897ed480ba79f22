"""The operator admin: the staff sign-in with TOTP and lockout, audited views, no resident data."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin

from madoguchi.accounts.models import Household, Membership, Resident, User
from madoguchi.accounts.types import Role
from madoguchi.audit.models import AuditEvent
from madoguchi.config.admin_site import MODEL_POLICY, REFUSED
from madoguchi.reception.testing import staff_device, staff_login, totp_code

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
PASSWORD = "operator-password-2026"


@pytest.fixture
def operator(db):
    user = User.objects.create_superuser(username="operator", password=PASSWORD)
    staff_device(user)
    return user


def password_only(client, user):
    """The first step of the staff sign-in (django-axes needs the request, so no client.login)."""
    response = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/code/")


def test_a_password_only_session_is_sent_to_the_totp_step_and_sees_no_admin_page(client, operator):
    password_only(client, operator)
    users = f"{ADMIN}accounts/user/"
    for url in (ADMIN, users, f"{users}{operator.pk}/change/", f"{ADMIN}audit/auditevent/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith("/staff/login/code/?next="), url
        assert "確認コード" in response.content.decode()
    # The admin's own login form is never served: it forwards to the staff sign-in.
    client.logout()
    response = client.get(f"{ADMIN}login/?next={ADMIN}")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_password_then_totp_opens_the_admin(client, operator):
    response = client.post(
        f"/staff/login/?next={ADMIN}",
        {"username": "operator", "password": PASSWORD, "next": ADMIN},
    )
    assert response["Location"].startswith("/staff/login/code/")
    response = client.post(
        "/staff/login/code/", {"token": totp_code(staff_device(operator)), "next": ADMIN}
    )
    assert response.status_code == 302 and response["Location"] == ADMIN
    response = client.get(ADMIN)
    assert response.status_code == 200 and "運用管理" in response.content.decode()


def test_five_wrong_codes_lock_an_operator_out(client, operator):
    password_only(client, operator)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/staff/login/code/", {"token": "000000", "next": ADMIN})
    assert response.status_code == 429
    assert client.get(ADMIN, follow=True).redirect_chain[-1][0].startswith("/staff/login/?")


def test_only_operators_get_in_even_with_a_verified_session(client, demo):
    # A municipal administrator passed both steps: the console, not the operator admin.
    staff_login(client, "chiyoda-admin")
    assert client.get(ADMIN, follow=True).status_code == 403
    # The national administrator gets in once they are marked as staff.
    national = User.objects.get(username="national-admin")
    staff_login(client, national)
    assert client.get(ADMIN, follow=True).status_code == 403
    national.is_staff = True
    national.save(update_fields=["is_staff"])
    assert client.get(ADMIN).status_code == 200


def test_every_admin_view_is_audited_with_model_and_object(client, operator, demo):
    staff_login(client, operator)
    worker = User.objects.get(username="chiyoda-worker")
    users = f"{ADMIN}accounts/user/"
    assert client.get(users, {"q": "chiyoda"}).status_code == 200
    assert client.get(f"{users}{worker.pk}/change/").status_code == 200
    assert client.get(f"{ADMIN}audit/auditevent/").status_code == 200
    events = list(AuditEvent.objects.filter(action="admin.viewed").order_by("sequence"))
    seen = [(e.object_type, e.object_id, e.data["view"]) for e in events]
    assert seen == [
        ("accounts.User", "", "accounts_user_changelist"),
        ("accounts.User", str(worker.pk), "accounts_user_change"),
        ("audit.AuditEvent", "", "audit_auditevent_changelist"),
    ]
    assert events[0].data["query"] == "q=chiyoda"
    assert {e.actor_label for e in events} == {"operator"}


def test_no_resident_data_in_the_admin(client, operator, demo, settings):
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == set(MODEL_POLICY)
    assert not registered & set(REFUSED)
    assert {"accounts.Resident", "accounts.Household", "oauth2_provider.AccessToken"} <= set(
        REFUSED
    )
    staff_login(client, operator)
    assert client.get(f"{ADMIN}accounts/resident/").status_code == 404
    assert client.get(f"{ADMIN}accounts/household/").status_code == 404
    # A resident's user (OpenID Connect sign-in) is not among the accounts an operator sees.
    resident = Resident.objects.select_related("household").first()
    assert resident is not None and Household.objects.exists()
    resident_user = User.objects.create(username="oidc-resident", display_name=resident.name)
    resident.user = resident_user
    resident.save(update_fields=["user"])
    html = client.get(f"{ADMIN}accounts/user/").content.decode()
    assert "chiyoda-worker" in html and "oidc-resident" not in html
    response = client.get(f"{ADMIN}accounts/user/{resident_user.pk}/change/")
    assert response.status_code == 302  # "does not exist" back to the list
    assert Membership.objects.filter(role=Role.NATIONAL_ADMIN).exists()
