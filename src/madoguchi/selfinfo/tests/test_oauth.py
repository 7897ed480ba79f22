"""The self-information API end to end over HTTP (Django's test client): consent with PKCE,
the token, the fetch through the hub, scope enforcement, revocation, and the separation from
the development IdP's tokens and clients."""

from __future__ import annotations

import datetime
import json
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, get_application_model

from madoguchi.apply.tests.conftest import sign_in
from madoguchi.audit.models import AuditEvent
from madoguchi.idp import conf as idp_conf
from madoguchi.idp.testing import pkce_pair
from madoguchi.linkage.models import Agency, ExchangeRecord
from madoguchi.linkage.selectors import exchanges_for_subject
from madoguchi.selfinfo.models import Consent
from madoguchi.selfinfo.selectors import consents_for_resident

from .conftest import PURPOSE, REDIRECT, authorize_url, basic, consent, token

pytestmark = pytest.mark.django_db

MY_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


@pytest.fixture
def resident_client(client, taro) -> Client:
    return sign_in(client, taro)


@pytest.fixture
def access_token(resident_client, service) -> str:
    consented = consent(resident_client, service, scope="selfinfo:tax")
    response = token(resident_client, service, consented)
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def test_the_consent_page_says_who_asks_for_what_and_why(resident_client, service):
    html = resident_client.get(
        authorize_url(service, scope="selfinfo:tax selfinfo:resident", pkce=pkce_pair())
    ).content.decode()
    assert "まどぐち家計簿" in html and "株式会社まどぐちテスト" in html and PURPOSE in html
    assert "地方税" in html and "前年の所得額（円）" in html and "住民基本台帳" in html
    assert "同意する" in html and "同意しない" in html
    assert "<script" not in html and "style=" not in html


def test_a_resident_who_is_not_signed_in_is_sent_to_sign_in(client, service):
    url = authorize_url(service, scope="selfinfo:tax", pkce=pkce_pair())
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/signin/?next=")


def test_consent_code_token_fetch_and_the_record_naming_the_service(
    resident_client, service, taro, caplog
):
    caplog.set_level(logging.DEBUG)
    consented = consent(resident_client, service, scope="selfinfo:tax")
    assert consented.location.startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(consented.location).query)
    assert query["state"] == ["st-1"]
    # RFC 9207: this server's issuer, not the development IdP's.
    assert query["iss"] == ["http://testserver/self-info/o"]
    response = token(resident_client, service, consented)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "selfinfo:tax" and body["token_type"] == "Bearer"

    fetched = Client().get("/api/v1/self/tax", headers=bearer(body["access_token"]))
    assert fetched.status_code == 200, fetched.content
    data = fetched.json()
    assert data["category"] == "tax" and "税務課" in data["holder"]
    values = {item["code"]: item["value"] for item in data["items"]}
    assert values["tax.taxable"] in {"yes", "no"} and isinstance(values["tax.income"], int)
    assert fetched["Cache-Control"] == "no-store"
    # The exchange went through the hub and is recorded on both sides, naming the service.
    records = ExchangeRecord.objects.filter(exchange_id=data["exchange_id"])
    assert {r.side for r in records} == {"requester", "holder"}
    assert {r.initiated_by for r in records} == {"service:まどぐち家計簿"}
    history = exchanges_for_subject(subject=taro.subject)
    assert history[0].exchange_id == data["exchange_id"]
    assert "まどぐち家計簿" in history[0].initiated_by
    # My page lists the consent with its last fetch.
    [row] = consents_for_resident(resident=taro)
    assert row.service == "まどぐち家計簿" and row.last_fetch_at is not None
    assert AuditEvent.objects.filter(action="selfinfo.fetched").count() == 1
    # No 個人番号, no registry subject in what the service gets or in the logs.
    for text in (fetched.content.decode(), response.content.decode(), caplog.text):
        assert not MY_NUMBER.search(text)
        assert str(taro.subject) not in text


def test_a_category_not_consented_is_403(access_token):
    response = Client().get("/api/v1/self/resident", headers=bearer(access_token))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/insufficient-scope") and problem["scope"] == (
        "selfinfo:resident"
    )
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert not ExchangeRecord.objects.exists()


def test_a_scope_outside_the_registration_is_refused_at_the_consent(resident_client, service):
    response = resident_client.get(
        authorize_url(service, scope="selfinfo:child_allowance", pkce=pkce_pair())
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_scope"]


def test_unknown_category_and_missing_token(access_token):
    response = Client().get("/api/v1/self/my_number", headers=bearer(access_token))
    assert response.status_code == 404 and response.json()["type"].endswith("/unknown-category")
    response = Client().get("/api/v1/self/tax")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    response = Client().get("/api/v1/self/tax", headers=bearer("not-a-token"))
    assert response.status_code == 401


def test_pkce_is_required_and_plain_refused(resident_client, service):
    for extra in ({}, {"code_challenge": "a" * 43, "code_challenge_method": "plain"}):
        url = authorize_url(service, scope="selfinfo:tax", pkce=None, **extra)
        response = resident_client.get(url)
        assert response.status_code == 302, extra
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query["error"] == ["invalid_request"], extra
    assert not Grant.objects.exists()


def test_the_verifier_is_checked(resident_client, service):
    consented = consent(resident_client, service, scope="selfinfo:tax")
    response = token(resident_client, service, consented, code_verifier=pkce_pair().verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_wrong_redirect_uri_gets_an_error_page_not_a_redirect(resident_client, service):
    url = authorize_url(service, scope="selfinfo:tax", pkce=pkce_pair())
    response = resident_client.get(url.replace("kakeibo.example.jp", "evil.example.jp"))
    assert response.status_code == 400
    assert "要求が正しくありません" in response.content.decode()


def test_a_replayed_code_is_refused(resident_client, service):
    consented = consent(resident_client, service, scope="selfinfo:tax")
    assert token(resident_client, service, consented).status_code == 200
    again = token(resident_client, service, consented)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_refusing_gives_access_denied_and_no_consent(resident_client, service):
    consented = consent(resident_client, service, scope="selfinfo:tax", allow=False)
    assert parse_qs(urlsplit(consented.location).query)["error"] == ["access_denied"]
    assert not consented.code and not Consent.objects.exists()


def test_revoking_in_my_page_invalidates_the_token_at_once(
    resident_client, service, access_token, taro
):
    assert Client().get("/api/v1/self/tax", headers=bearer(access_token)).status_code == 200
    page = resident_client.get("/apply/mypage/services/").content.decode()
    assert "連携中のサービス" in page and "まどぐち家計簿" in page and "地方税" in page
    consent_row = Consent.objects.get()
    response = resident_client.post(f"/apply/mypage/services/{consent_row.pk}/revoke/")
    assert response.status_code == 302
    refused = Client().get("/api/v1/self/tax", headers=bearer(access_token))
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert not AccessToken.objects.filter(application__client_id=service.client_id).exists()
    assert consents_for_resident(resident=taro) == []
    page = resident_client.get("/apply/mypage/services/").content.decode()
    assert "まどぐち家計簿" in page  # the message says the link ended
    assert "連携しているサービスはありません" in page


def test_another_resident_cannot_revoke(client, service, access_token, hub):
    from madoguchi.signatures.testing import demo_resident

    sign_in(client, demo_resident("yoshida-hanako"))
    response = client.post(f"/apply/mypage/services/{Consent.objects.get().pk}/revoke/")
    assert response.status_code == 302
    assert Consent.objects.get().revoked_at is None
    assert Client().get("/api/v1/self/tax", headers=bearer(access_token)).status_code == 200


def test_an_expired_token_is_refused(access_token):
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = Client().get("/api/v1/self/tax", headers=bearer(access_token))
    assert response.status_code == 401 and "期限" in response.json()["detail"]


def test_the_holder_being_down_is_503_and_recorded(access_token):
    tax = Agency.objects.get(code="131016-tax")
    tax.endpoint = "http://127.0.0.1:9/exchange"  # nothing listens on the discard port
    tax.timeout_seconds = 0.5
    tax.save()
    response = Client().get("/api/v1/self/tax", headers=bearer(access_token))
    assert response.status_code == 503
    assert response.json()["type"].endswith("/holder-unavailable")
    assert ExchangeRecord.objects.filter(outcome="unavailable", side="requester").exists()


# --- the development IdP and the self-information server never accept each other ---------


def _platform_application():
    from madoguchi.idp import services as idp_services

    idp_services.idp_client_register(
        client_id=idp_conf.platform_client_id(),
        client_secret=idp_conf.platform_client_secret(),
        redirect_uris=["http://testserver/signin/callback/"],
    )
    return get_application_model().objects.get(client_id=idp_conf.platform_client_id())


def test_a_token_of_the_development_idp_is_refused(service, taro):
    application = _platform_application()
    idp_token = "idp-issued-token-value"
    AccessToken.objects.create(
        user=taro.user,
        application=application,
        token=idp_token,
        scope="openid name address",
        expires=timezone.now() + datetime.timedelta(minutes=10),
    )
    response = Client().get("/api/v1/self/tax", headers=bearer(idp_token))
    assert response.status_code == 401
    assert "自己情報取得API" in response.json()["detail"]


def test_a_service_token_with_a_foreign_scope_is_refused(service, taro):
    forged = "forged-token-value"
    AccessToken.objects.create(
        user=taro.user,
        application=get_application_model().objects.get(client_id=service.client_id),
        token=forged,
        scope="selfinfo:tax openid",
        expires=timezone.now() + datetime.timedelta(minutes=10),
    )
    assert Client().get("/api/v1/self/tax", headers=bearer(forged)).status_code == 401


def test_the_idp_does_not_serve_a_private_service(client, service, resident_client):
    from madoguchi.idp.testing import authorize_query

    query = authorize_query(redirect_uri=REDIRECT, pkce=pkce_pair()).replace(
        "client_id=madoguchi-test", f"client_id={service.client_id}"
    )
    response = Client().get(f"/idp/o/authorize/?{query}")
    # Unknown client: an error page, never a redirect to the service or a PIN prompt.
    assert response.status_code == 400
    # Nor its token endpoint: a self-information code is not exchanged there.
    consented = consent(resident_client, service, scope="selfinfo:tax")
    response = Client().post(
        "/idp/o/token/",
        {
            "grant_type": "authorization_code",
            "code": consented.code,
            "redirect_uri": REDIRECT,
            "code_verifier": consented.pkce.verifier,
        },
        HTTP_AUTHORIZATION=basic(service),
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_the_self_information_token_endpoint_refuses_the_idp_client(service):
    _platform_application()
    response = Client().post(
        "/self-info/o/token/",
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT},
        HTTP_AUTHORIZATION="Basic "
        + __import__("base64")
        .b64encode(f"{idp_conf.platform_client_id()}:{idp_conf.platform_client_secret()}".encode())
        .decode(),
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_the_api_is_in_the_openapi_document():
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    document = json.loads(schema.content)
    operation = document["paths"]["/api/v1/self/{category}"]["get"]
    assert operation["operationId"] == "self_information_get"
    assert set(operation["responses"]) >= {"200", "401", "403", "503"}
    flows = document["components"]["securitySchemes"]["selfInfoOAuth"]["flows"]
    assert flows["authorizationCode"]["tokenUrl"] == "/self-info/o/token/"
    assert set(flows["authorizationCode"]["scopes"]) == {
        "selfinfo:resident",
        "selfinfo:tax",
        "selfinfo:child_allowance",
    }


def test_the_service_may_revoke_its_own_token(service, access_token):
    response = Client().post(
        "/self-info/o/revoke_token/",
        {"token": access_token, "token_type_hint": "access_token"},
        HTTP_AUTHORIZATION=basic(service),
    )
    assert response.status_code == 200
    assert Client().get("/api/v1/self/tax", headers=bearer(access_token)).status_code == 401


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "まどぐち家計簿 asks to read your information", "I consent"),
        (
            "ja-x-easy",
            "が あなたの 情報を ほしいと 言って います",
            "同意する（わたす）",
        ),
    ],
)
def test_the_consent_page_in_english_and_easy_japanese(
    resident_client, service, language, heading, button
):
    resident_client.cookies["django_language"] = language
    html = resident_client.get(
        authorize_url(service, scope="selfinfo:tax", pkce=pkce_pair())
    ).content.decode()
    assert heading in html and button in html


def test_the_self_information_views_never_reuse_the_idps_oauthlib_core():
    """DOT caches the core on the view class and finds it with hasattr(): a plain subclass of
    TokenView would inherit the core of the IdP's TokenView, validator and all (ADR 0013)."""
    from oauth2_provider.views import TokenView

    from madoguchi.idp.validators import ResidentOAuth2Validator
    from madoguchi.selfinfo.validators import SelfInfoOAuth2Validator
    from madoguchi.selfinfo.views import (
        SelfInfoAuthorizationView,
        SelfInfoRevokeTokenView,
        SelfInfoTokenView,
    )

    class Naive(TokenView):  # type: ignore[misc]
        validator_class = SelfInfoOAuth2Validator

    idp_core = TokenView.get_oauthlib_core()
    assert isinstance(idp_core.server.request_validator, ResidentOAuth2Validator)
    assert isinstance(Naive.get_oauthlib_core().server.request_validator, ResidentOAuth2Validator)
    for view in (SelfInfoAuthorizationView, SelfInfoTokenView, SelfInfoRevokeTokenView):
        validator = view.get_oauthlib_core().server.request_validator
        assert isinstance(validator, SelfInfoOAuth2Validator), view
