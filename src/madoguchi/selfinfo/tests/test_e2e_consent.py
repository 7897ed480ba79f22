"""The resident's side in headless Chromium at 360 px, axe-clean: a private service sends the
resident to the consent page (sign-in through the development IdP first), the resident
consents, the service fetches; My page lists the link; the resident ends it and the next fetch
is refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from madoguchi.apply.tests.test_e2e_journey import check_page, idp_sign_in
from madoguchi.idp import testing
from madoguchi.idp.testing import pkce_pair
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.selfinfo.services import service_register
from madoguchi.selfinfo.tests.conftest import PURPOSE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_consent_fetch_my_page_and_revoke(live_server, pki, page, settings):
    base = str(live_server.url)
    linkage_demo_load()
    testing.register_client(redirect_uris=[f"{base}/signin/callback/"])
    settings.OIDC_ISSUER = f"{base}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    redirect = f"{base}/self-info-example/callback"
    service = service_register(
        name="まどぐち家計簿",
        operator="株式会社まどぐちテスト",
        purpose=PURPOSE,
        redirect_uris=[redirect],
        categories=["resident", "tax"],
    )
    pkce = pkce_pair()
    query = httpx.QueryParams(
        response_type="code",
        client_id=service.client_id,
        redirect_uri=redirect,
        scope="selfinfo:tax",
        state="e2e",
        code_challenge=pkce.challenge,
        code_challenge_method="S256",
    )
    page.goto(f"{base}/self-info/o/authorize/?{query}")
    idp_sign_in(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "まどぐち家計簿が、あなたの情報の取得を求めています"
    )
    expect(page.get_by_text(PURPOSE)).to_be_visible()
    expect(page.get_by_role("heading", name="地方税")).to_be_visible()
    check_page(page, "selfinfo-01-consent")
    page.get_by_role("button", name="同意する", exact=True).click()
    page.wait_for_url(f"{redirect}?*")
    code = parse_qs(urlsplit(page.url).query)["code"][0]

    tokens = httpx.post(
        f"{base}/self-info/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "code_verifier": pkce.verifier,
        },
        auth=(service.client_id, service.client_secret),
    )
    assert tokens.status_code == 200, tokens.text
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    fetched = httpx.get(f"{base}/api/v1/self/tax", headers=headers)
    assert fetched.status_code == 200 and fetched.json()["category"] == "tax"

    page.goto(f"{base}/apply/mypage/services/")
    expect(page.get_by_role("heading", level=1)).to_have_text("連携中のサービス")
    expect(page.get_by_role("heading", name="まどぐち家計簿")).to_be_visible()
    check_page(page, "selfinfo-02-linked")
    page.get_by_role("button", name="連携を解除する").click()
    expect(page.get_by_text("まどぐち家計簿との連携を解除しました")).to_be_visible()
    expect(page.get_by_text("連携しているサービスはありません。")).to_be_visible()
    check_page(page, "selfinfo-03-ended")

    refused = httpx.get(f"{base}/api/v1/self/tax", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"

    # The fetch is in the resident's exchange history, naming the service.
    page.goto(f"{base}/apply/mypage/exchanges/")
    expect(page.get_by_text("あなたが同意した民間サービス：まどぐち家計簿").first).to_be_visible()
    check_page(page, "selfinfo-04-history")
