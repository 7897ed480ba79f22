"""Resident sign-in against the development IdP over real HTTP (live server), driven by the
Django test client as the browser."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import RequestFactory
from django.utils import timezone
from oauth2_provider.models import Grant

from madoguchi.accounts.models import Resident, User
from madoguchi.accounts.services import demo_resident_subject
from madoguchi.audit.models import AuditEvent
from madoguchi.signin import selectors
from madoguchi.signin.tests.conftest import local, to_callback

pytestmark = pytest.mark.django_db(transaction=True)


def _with_param(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(params)
    return f"{parts.path}?{urlencode(query)}"


def test_sign_in_links_the_resident_keeps_the_claims_and_is_audited(oidc):
    client = oidc.client()
    response = client.get(to_callback(client, next_url="/procedures/?q=罹災"))
    assert response.status_code == 302
    assert response["Location"] == "/procedures/?q=%E7%BD%B9%E7%81%BD"  # 罹災

    resident = Resident.objects.get(subject=demo_resident_subject("yoshida-taro"))
    assert resident.user is not None
    assert int(client.session["_auth_user_id"]) == resident.user.pk

    request = RequestFactory().get("/")
    request.session = client.session
    request.user = resident.user
    claims = selectors.resident_claims(request)
    assert claims is not None
    assert claims.subject == str(resident.subject)
    assert (claims.family_name, claims.given_name) == ("𠮷田", "太郎")
    assert claims.name == "𠮷田\u3000太郎"
    assert (claims.family_name_kana, claims.given_name_kana) == ("ヨシダ", "タロウ")
    assert claims.address == "東京都千代田区麹町二丁目1番1号"
    assert claims.postal_code == "1020083"
    assert claims.birthdate == datetime.date(1985, 4, 12)
    assert claims.gender == "1"
    assert claims.issuer == f"{oidc.url}/idp/o"
    assert claims.authenticated_at is not None
    assert selectors.resident_for(resident.user) == resident

    event = AuditEvent.objects.filter(action="resident.signed_in").get()
    assert event.actor_id == str(resident.user.pk)
    assert event.municipality_code == "131016"
    assert event.data["subject"] == str(resident.subject)

    page = client.get("/signin/me/").content.decode()
    assert "𠮷田\u3000太郎 さんとしてログインしています" in page
    assert "1985年4月12日" in page

    # Signing in again (a new PIN entry) reuses the same platform user.
    client.post("/signin/logout/")
    client.get(to_callback(client))
    assert User.objects.filter(resident=resident).count() == 1
    assert int(client.session["_auth_user_id"]) == resident.user.pk


def test_the_variation_sequence_survives_into_the_session(oidc):
    client = oidc.client()
    client.get(to_callback(client, key="katsuragi-ken"))
    claims = client.session["signin.resident"]["claims"]
    assert claims["family_name"] == "葛\U000e0100城"


def test_next_must_be_on_this_site(oidc):
    client = oidc.client()
    for unsafe in ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]:
        response = client.get(to_callback(client, next_url=unsafe))
        assert response["Location"] == "/"
        client.post("/signin/logout/")


def test_tampered_state_is_refused_with_a_way_to_try_again(oidc):
    client = oidc.client()
    callback = to_callback(client, next_url="/procedures/")
    response = client.get(_with_param(callback, state="forged"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "ログインの有効期限が切れました" in html
    assert 'href="/signin/?next=%2F' in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="resident.sign_in_failed").exists()


def test_replayed_callback_is_refused(oidc):
    client = oidc.client()
    callback = to_callback(client)
    assert client.get(callback).status_code == 302
    response = client.get(callback)
    assert response.status_code == 400
    assert "ログインの有効期限が切れました" in response.content.decode()


def test_expired_code_is_refused(oidc):
    client = oidc.client()
    callback = to_callback(client, next_url="/procedures/")
    Grant.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(callback)
    assert response.status_code == 400
    html = response.content.decode()
    assert "すでに使われたか、有効期限が切れています" in html
    assert 'href="/signin/?next=%2Fprocedures%2F"' in html
    assert "_auth_user_id" not in client.session


def test_cancel_at_the_idp_comes_back_as_access_denied(oidc):
    client = oidc.client()
    response = client.get("/signin/", {"next": "/procedures/"})
    authorize = local(response["Location"])
    client.get(authorize)
    client.post("/idp/login/", {"next": authorize, "cancel": "1"})
    response = client.get(authorize)
    callback = local(response["Location"])
    assert "error=access_denied" in callback
    response = client.get(callback)
    assert response.status_code == 400
    assert "ログインを取り消しました" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_nonce_fails_id_token_validation(oidc):
    client = oidc.client()
    callback = to_callback(client)
    session = client.session
    key = next(k for k in session.keys() if k.startswith("_state_madoguchi_"))  # noqa: SIM118
    data = session[key]
    data["data"]["nonce"] = "another-nonce"
    session[key] = data
    session.save()
    response = client.get(callback)
    assert response.status_code == 400
    assert "ログインを確認できませんでした" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_iss_parameter_from_another_issuer_is_refused(oidc):
    client = oidc.client()
    response = client.get(_with_param(to_callback(client), iss="https://evil.example/idp/o"))
    assert response.status_code == 400
    assert "ログインを確認できませんでした" in response.content.decode()


def test_unreachable_issuer_is_a_page_not_a_500(oidc, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/idp/o"
    settings.OIDC_HTTP_TIMEOUT = 2
    response = oidc.client().get("/signin/", {"next": "/procedures/"})
    assert response.status_code == 503
    assert "認証サービスに接続できません" in response.content.decode()


def test_sign_out_needs_post_and_forgets_the_claims(oidc):
    client = oidc.client()
    client.get(to_callback(client))
    assert client.get("/signin/logout/").status_code == 405
    response = client.post("/signin/logout/")
    assert response["Location"] == "/signin/signed-out/"
    assert "signin.resident" not in client.session
    assert "ログアウトしました" in client.get("/signin/signed-out/").content.decode()
    assert client.get("/signin/me/")["Location"] == "/signin/?next=%2Fsignin%2Fme%2F"
