"""The development IdP through HTTP: discovery, PKCE enforcement, demo sign-in, tokens, claims."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from madoguchi.accounts.models import Resident
from madoguchi.accounts.services import demo_resident_subject
from madoguchi.idp import testing

REDIRECT = "http://testserver/cb/"
AUTHORIZE = "/idp/o/authorize/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(demo):
    testing.register_client(redirect_uris=[REDIRECT])


def _query(response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def _sign_in(client, next_url: str, *, key: str = "yoshida-taro", pin: str = "1234"):
    return client.post(
        reverse("idp:sign-in"),
        {"next": next_url, "resident": str(demo_resident_subject(key)), "pin": pin},
    )


def _code_for(client, pkce, *, key: str = "yoshida-taro", nonce: str = "nn") -> str:
    url = f"{AUTHORIZE}?{testing.authorize_query(redirect_uri=REDIRECT, pkce=pkce, nonce=nonce)}"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/idp/login/?next=")
    assert _sign_in(client, url, key=key).status_code == 302
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT)
    return _query(response)["code"]


def _token(client, code: str, verifier: str):
    basic = base64.b64encode(
        f"{testing.TEST_CLIENT_ID}:{testing.TEST_CLIENT_SECRET}".encode()
    ).decode()
    return client.post(
        "/idp/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def test_discovery_document_describes_a_code_flow_provider_with_s256_only(client):
    response = client.get("/idp/o/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    assert doc["issuer"] == "http://testserver/idp/o"
    assert doc["authorization_endpoint"] == "http://testserver/idp/o/authorize/"
    assert doc["token_endpoint"] == "http://testserver/idp/o/token/"
    assert doc["userinfo_endpoint"] == "http://testserver/idp/o/userinfo/"
    assert doc["jwks_uri"] == "http://testserver/idp/o/.well-known/jwks.json"
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in doc["id_token_signing_alg_values_supported"]
    assert {"openid", "name", "address", "birthdate", "gender"} <= set(doc["scopes_supported"])
    assert {"sub", "name", "address", "birthdate", "gender"} <= set(doc["claims_supported"])
    keys = client.get(doc["jwks_uri"].removeprefix("http://testserver")).json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]


def test_authorize_without_code_challenge_is_refused_before_any_pin_is_asked(client, registered):
    response = client.get(
        f"{AUTHORIZE}?{testing.authorize_query(redirect_uri=REDIRECT, pkce=None)}"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT)
    query = _query(response)
    assert query["error"] == "invalid_request"
    assert "challenge" in query["error_description"].lower()
    assert query["state"] == "st"


def test_plain_pkce_method_is_refused(client, registered):
    pkce = testing.pkce_pair()
    query = testing.authorize_query(
        redirect_uri=REDIRECT,
        pkce=None,
        code_challenge=pkce.verifier,
        code_challenge_method="plain",
    )
    response = client.get(f"{AUTHORIZE}?{query}")
    assert response.status_code == 302
    assert _query(response)["error"] == "invalid_request"


def test_unknown_redirect_uri_gets_a_japanese_error_page_not_a_redirect(client, registered):
    query = testing.authorize_query(
        redirect_uri="https://evil.example/cb", pkce=testing.pkce_pair()
    )
    response = client.get(f"{AUTHORIZE}?{query}")
    assert response.status_code == 400
    assert "ログインの要求が正しくありません" in response.content.decode()


def test_code_flow_issues_an_rs256_id_token_with_the_residents_claims(client, registered):
    pkce = testing.pkce_pair()
    code = _code_for(client, pkce, key="katsuragi-ken", nonce="n-123")
    response = _token(client, code, pkce.verifier)
    assert response.status_code == 200, response.content
    token = response.json()
    keys = KeySet.import_key_set(client.get("/idp/o/.well-known/jwks.json").json())
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    claims = decoded.claims
    resident = Resident.objects.get(subject=demo_resident_subject("katsuragi-ken"))
    assert decoded.header["alg"] == "RS256"
    assert claims["iss"] == "http://testserver/idp/o"
    assert claims["aud"] == testing.TEST_CLIENT_ID
    assert claims["nonce"] == "n-123"
    assert claims["sub"] == str(resident.subject)
    # Exactly as stored: the variation sequence in 葛󠄀城 survives the round trip.
    assert claims["name"] == "葛\U000e0100城\u3000健"
    assert claims["family_name"] == "葛\U000e0100城"
    assert claims["given_name"] == "健"
    assert claims["family_name#ja-Kana-JP"] == resident.family_name_kana
    assert claims["address"] == {
        "formatted": "東京都千代田区永田町一丁目7番1号",
        "postal_code": resident.postal_code,
        "country": "JP",
    }
    assert claims["birthdate"] == "1978-03-15"
    assert claims["gender"] == "1"

    userinfo = client.get(
        "/idp/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}"
    ).json()
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["name"] == claims["name"]

    # The code is single-use.
    assert _token(client, code, pkce.verifier).json()["error"] == "invalid_grant"


def test_a_wrong_code_verifier_gets_no_token(client, registered):
    pkce = testing.pkce_pair()
    code = _code_for(client, pkce)
    response = _token(client, code, testing.pkce_pair().verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_only_granted_scopes_release_claims(client, registered):
    pkce = testing.pkce_pair()
    url = f"{AUTHORIZE}?" + testing.authorize_query(
        redirect_uri=REDIRECT, pkce=pkce, scope="openid name"
    )
    client.get(url)
    _sign_in(client, url)
    code = _query(client.get(url))["code"]
    token = _token(client, code, pkce.verifier).json()
    payload = token["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["name"] == "𠮷田\u3000太郎"
    assert "address" not in claims and "birthdate" not in claims and "gender" not in claims


def test_wrong_pin_errors_count_down_and_lock_then_unlock(client, registered):
    url = f"{AUTHORIZE}?{testing.authorize_query(redirect_uri=REDIRECT, pkce=testing.pkce_pair())}"
    response = _sign_in(client, url, pin="9999")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_pin_error"' in html
    assert "暗証番号が正しくありません。あと2回間違えると" in html
    assert 'aria-describedby="id_pin_help id_pin_error"' in html
    assert "あと1回" in _sign_in(client, url, pin="0000").content.decode()
    locked = _sign_in(client, url, pin="1111").content.decode()
    assert "ロックされています" in locked
    # Locked means locked: the right PIN does not help until the counter is reset.
    assert "ロックされています" in _sign_in(client, url, pin="1234").content.decode()
    call_command("idp_setup_demo", "--unlock", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _sign_in(client, url, pin="１２３４").status_code == 302  # full-width digits


def test_pin_format_and_missing_resident_are_reported_at_their_fields(client, registered):
    url = f"{AUTHORIZE}?{testing.authorize_query(redirect_uri=REDIRECT, pkce=testing.pkce_pair())}"
    response = client.post(reverse("idp:sign-in"), {"next": url, "resident": "", "pin": "12"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "ログインする住民を選んでください" in html
    assert "暗証番号は数字4桁で入力してください" in html
    assert 'href="#id_resident"' in html and 'href="#id_pin"' in html


def test_cancel_returns_access_denied_to_the_client(client, registered):
    url = f"{AUTHORIZE}?{testing.authorize_query(redirect_uri=REDIRECT, pkce=testing.pkce_pair())}"
    response = client.post(reverse("idp:sign-in"), {"next": url, "cancel": "1"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    query = _query(response)
    assert query["error"] == "access_denied"
    assert query["state"] == "st"


def test_sign_in_page_only_continues_an_authorization_request(client, registered):
    for next_url in ["", "https://evil.example/idp/o/authorize/", "/staff/"]:
        response = client.get(reverse("idp:sign-in"), {"next": next_url})
        assert response.status_code == 400
        assert "このログインは続けられません" in response.content.decode()


def test_each_authorization_asks_for_the_pin_again(client, registered):
    pkce = testing.pkce_pair()
    _code_for(client, pkce)
    url = f"{AUTHORIZE}?{testing.authorize_query(redirect_uri=REDIRECT, pkce=pkce)}"
    assert client.get(url)["Location"].startswith("/idp/login/")


def test_untrusted_client_shows_a_consent_page(client, demo):
    testing.register_client(redirect_uris=[REDIRECT], trusted=False)
    url = f"{AUTHORIZE}?{testing.authorize_query(redirect_uri=REDIRECT, pkce=testing.pkce_pair())}"
    client.get(url)
    _sign_in(client, url)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Test service に情報を提供しますか" in html
    assert "住所" in html
    form = {
        name: value for name, value in response.context["form"].initial.items() if value is not None
    }
    denied = client.post(url, form)
    assert _query(denied)["error"] == "access_denied"


def test_idp_is_off_when_disabled(client, registered, settings):
    settings.IDP_ENABLED = False
    assert client.get("/idp/o/.well-known/openid-configuration").status_code == 404
    assert client.get(f"{AUTHORIZE}?x=1").status_code == 404
    assert client.get(reverse("idp:sign-in")).status_code == 404


def test_setup_command_is_idempotent_and_registers_the_platform_client(demo, capsys):
    call_command("idp_setup_demo", "--redirect-uri", "http://127.0.0.1:8123/signin/callback/")
    first = capsys.readouterr().out
    assert "madoguchi-platform" in first
    assert "http://127.0.0.1:8123/signin/callback/" in first
    call_command("idp_setup_demo", "--redirect-uri", "http://127.0.0.1:8123/signin/callback/")
    assert capsys.readouterr().out == ""
    from oauth2_provider.models import Application

    app = Application.objects.get(client_id="madoguchi-platform")
    assert app.skip_authorization
    assert app.redirect_uri_allowed("http://localhost:8000/signin/callback/")
    assert app.algorithm == "RS256"


def test_the_idp_registers_the_client_the_relying_party_is_configured_with(settings):
    """idp and signin do not import each other; both read OIDC_CLIENT_ID / OIDC_CLIENT_SECRET with
    the same defaults, so `idp_setup_demo` registers exactly the client signin presents."""
    from madoguchi.idp import conf as idp_conf
    from madoguchi.signin import conf as signin_conf

    assert idp_conf.platform_client_id() == signin_conf.client_id()
    assert idp_conf.platform_client_secret() == signin_conf.client_secret()
    settings.OIDC_CLIENT_ID = "portal-x"
    settings.OIDC_CLIENT_SECRET = "s3cret-of-portal-x"
    assert idp_conf.platform_client_id() == signin_conf.client_id() == "portal-x"
    assert idp_conf.platform_client_secret() == signin_conf.client_secret() == "s3cret-of-portal-x"
