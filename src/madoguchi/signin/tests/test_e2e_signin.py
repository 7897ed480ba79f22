"""Resident sign-in in headless Chromium: the development IdP's pages, PIN errors, cancel,
tampered state, sign-out; accessible (axe-core), 360 px wide, and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.idp import testing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TARO = "𠮷田\u3000太郎（1985年4月12日生まれ）"


@pytest.fixture
def live_oidc(live_server, demo, settings):
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return live_server.url


def assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"/tmp/madoguchi-signin-{name}.png", full_page=True)


def test_wrong_pin_then_sign_in_status_and_sign_out(live_oidc, page):
    page.goto(f"{live_oidc}/signin/?next=/signin/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("本人確認")
    assert page.url.startswith(f"{live_oidc}/idp/login/")
    assert_accessible(page, "idp-login")

    page.get_by_label("住民").select_option(label=TARO)
    page.get_by_label("利用者証明用暗証番号（数字4桁）").fill("9999")
    page.get_by_role("button", name="ログイン", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("暗証番号が正しくありません。あと2回間違えると")
    assert page.title().startswith("エラー: 本人確認（開発用）")
    assert_accessible(page, "idp-wrong-pin")
    # The summary link takes the keyboard to the PIN field; the resident stays chosen.
    alert.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_pin"
    expect(page.get_by_label("住民")).to_have_value(
        page.get_by_role("option", name=TARO).get_attribute("value")
    )

    page.keyboard.type("1234")
    page.keyboard.press("Enter")
    # The fragment of the error-summary link survives the redirects.
    page.wait_for_url(re.compile(r"/signin/me/(#id_pin)?$"))
    expect(page.get_by_text("𠮷田\u3000太郎 さんとしてログインしています。")).to_be_visible()
    expect(page.get_by_text("東京都千代田区麹町二丁目1番1号")).to_be_visible()
    assert_accessible(page, "status")

    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログアウトしました")
    assert_accessible(page, "signed-out")
    page.goto(f"{live_oidc}/signin/me/")
    assert page.url.startswith(f"{live_oidc}/idp/login/")
    assert page.csp_violations == []


def test_cancel_and_a_tampered_state_show_pages_with_a_way_back(live_oidc, page):
    page.goto(f"{live_oidc}/signin/?next=/procedures/")
    page.get_by_role("button", name="ログインをやめて戻る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログインを取り消しました")
    assert_accessible(page, "cancelled")

    page.get_by_role("link", name="もう一度ログインする").click()
    assert page.url.startswith(f"{live_oidc}/idp/login/")

    page.goto(f"{live_oidc}/signin/callback/?code=stolen&state=forged")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログインの有効期限が切れました")
    assert_accessible(page, "bad-state")
    assert page.csp_violations == []


def test_sign_in_works_without_javascript(live_oidc, browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_oidc}/signin/?next=/signin/me/")
        page.get_by_label("住民").select_option(
            label="葛\U000e0100城\u3000健（1978年3月15日生まれ）"
        )
        page.get_by_label("利用者証明用暗証番号（数字4桁）").fill("1234")
        page.get_by_role("button", name="ログイン", exact=True).click()
        page.wait_for_url(f"{live_oidc}/signin/me/")
        greeting = "葛\U000e0100城\u3000健 さんとしてログインしています。"
        expect(page.get_by_text(greeting)).to_be_visible()
    finally:
        context.close()
