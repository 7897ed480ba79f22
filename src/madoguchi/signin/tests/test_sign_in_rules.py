"""Sign-in rules without a browser: who becomes which user, claim shapes, the decorator."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from madoguchi.accounts.models import Resident, User
from madoguchi.accounts.services import demo_resident_subject
from madoguchi.signin import services
from madoguchi.signin.claims import claims_from_token

pytestmark = pytest.mark.django_db


def _claims(sub: str, **extra):
    return claims_from_token(issuer="https://issuer.example", claims={"sub": sub, **extra})


def test_someone_the_registry_does_not_know_gets_a_user_of_their_own():
    sub = "a-subject-the-real-issuer-knows"
    user, resident = services.resident_user_get_or_create(claims=_claims(sub, name="山田 太郎"))
    assert resident is None
    assert not user.has_usable_password()
    assert user.display_name == "山田 太郎"
    again, _ = services.resident_user_get_or_create(claims=_claims(sub))
    assert again.pk == user.pk
    other, _ = services.resident_user_get_or_create(claims=_claims(str(uuid.uuid4())))
    assert other.pk != user.pk


def test_a_registered_resident_is_linked_once(demo):
    sub = str(demo_resident_subject("sato-jiro"))
    user, resident = services.resident_user_get_or_create(claims=_claims(sub))
    assert resident is not None
    assert Resident.objects.get(pk=resident.pk).user_id == user.pk
    again, _ = services.resident_user_get_or_create(claims=_claims(sub))
    assert again.pk == user.pk


def test_sign_in_of_a_deactivated_user_is_refused(demo):
    sub = str(demo_resident_subject("sato-jiro"))
    user, _ = services.resident_user_get_or_create(claims=_claims(sub))
    User.objects.filter(pk=user.pk).update(is_active=False)
    request = RequestFactory().get("/")
    request.session = SessionStore()
    with pytest.raises(services.SignInRefused):
        services.resident_sign_in(request=request, claims=_claims(sub))


def test_claims_in_the_plainer_shapes_of_a_real_issuer():
    claims = _claims(
        "x",
        name="髙橋\u3000和子",
        address="東京都千代田区外神田一丁目2番3号",
        birthdate="1952-11-03",
        gender="female",
    )
    assert (claims.family_name, claims.given_name) == ("髙橋", "和子")
    assert claims.address == "東京都千代田区外神田一丁目2番3号"
    assert claims.postal_code == ""
    assert claims.birthdate == datetime.date(1952, 11, 3)
    assert claims.gender == "2"
    missing = _claims("y")
    assert missing.birthdate is None and missing.name == "" and missing.address == ""


def test_resident_pages_send_anyone_else_to_sign_in(client, demo):
    response = client.get("/signin/me/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/signin/?next=%2Fsignin%2Fme%2F%3Ftab%3D1"
    # A staff member's password login is not a resident sign-in.
    client.force_login(User.objects.get(username="chiyoda-admin"))
    assert client.get("/signin/me/").status_code == 302
