"""Prefill with consent in headless Chromium at 360 px, with and without JavaScript: sign in,
the consent offer, the prefilled 児童手当 application (locked name and income shown as text),
signing with the card, the receipt, and the exchanges in やりとり履歴. Axe-clean pages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from madoguchi.applications.models import Application
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import publish
from madoguchi.apply.tests.test_e2e_journey import arrived_then_received, check_page, idp_sign_in
from madoguchi.apply.tests.test_linkage import _complete
from madoguchi.idp import testing
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.signatures.services import DEMO_SIGN_PIN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live(live_server, pki, catalog, settings) -> tuple[str, str]:
    version = publish("child-allowance-claim")
    linkage_demo_load()
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return str(live_server.url), str(version.pk)


def _walk(page: Any, live: tuple[str, str], tag: str) -> None:
    def check(name: str) -> None:
        # axe-core runs in the page, so only with JavaScript; the pages are the same HTML.
        if tag.endswith("-js"):
            check_page(page, name)
        else:
            page.screenshot(path=f"/tmp/madoguchi-apply-{name}.png", full_page=True)

    url, version_id = live
    page.goto(f"{url}/apply/start/{version_id}/")
    idp_sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("児童手当 認定請求")
    page.get_by_role("button", name="申請を始める").click()

    # The offer: what is fetched, from whom, why, on which legal basis.
    expect(page.get_by_role("heading", level=1)).to_have_text("住民基本台帳などから取得する")
    expect(page.get_by_text("児童手当の支給に関する事務")).to_be_visible()
    check(f"{tag}-01-prefill-offer")
    page.get_by_role("button", name="同意して住民基本台帳などから取得する").click()

    # Filled and marked: the locked name as text, the editable reading as inputs.
    expect(page.get_by_text("項目を取得して入力しました")).to_be_visible()
    expect(page.locator("#f-applicant-name .field__locked-value")).to_have_text("𠮷田\u3000太郎")
    expect(page.locator("#f-applicant-name_kana-family")).to_have_value("ヨシダ")
    check(f"{tag}-02-prefilled")
    page.locator("#f-applicant-phone").fill("03-1234-5678")
    page.locator("#f-claimant-my_number").fill("123456789018")
    page.get_by_role("button", name="保存して後で続ける").click()

    # The other pages' answers are as a resident types them (the preset's sample).
    application = Application.objects.get()
    _complete(application)
    page.goto(f"{url}/apply/{application.public_id}/income/")
    expect(page.locator("#f-income-amount .field__locked-value")).to_have_text("5,100,000")
    check(f"{tag}-03-income-locked")
    page.goto(f"{url}/apply/{application.public_id}/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("入力内容の確認")
    check(f"{tag}-04-check")
    page.get_by_role("link", name="電子署名へ進む").click()
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して申請").click()
    arrived_then_received(page)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    check(f"{tag}-05-receipt")

    page.goto(f"{url}/apply/mypage/")
    page.get_by_role("link", name="やりとり履歴").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("やりとり履歴")
    items = page.locator(".exchange-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("児童手当の支給に関する事務")
    expect(page.get_by_text("あなたの申請（同意に基づく取得）").first).to_be_visible()
    check(f"{tag}-06-exchanges")
    page.get_by_label("情報の種類").select_option(label="地方税")
    page.get_by_role("button", name="絞り込み").click()
    expect(page.locator(".exchange-item")).to_have_count(1)
    check(f"{tag}-07-exchanges-filtered")


def test_consent_prefill_sign_receive_and_history(live, page):
    _walk(page, live, "linkage-js")
    assert page.csp_violations == []


def test_the_same_without_javascript(live, browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    try:
        _walk(page, live, "linkage-nojs")
    finally:
        context.close()
