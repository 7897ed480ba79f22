"""Headless Chromium at 360 px, axe-clean on every page (the pages load no script; the test
client walks the same flow in test_pages.py): My page → register an
account (a field error, the bank picked from a list) → check and sign with the card → shown →
change it (name warning confirmed) → shown."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from madoguchi.apply.tests.test_e2e_journey import idp_sign_in
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.idp import testing
from madoguchi.publicfunds import selectors
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check(page: Any, name: str) -> None:
    violations = axe_violations(page)
    page.screenshot(path=f"/tmp/madoguchi-publicfunds-{name}.png", full_page=True)
    assert violations == [], f"{name}: {format_violations(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    assert page.csp_violations == [], page.csp_violations


@pytest.fixture
def live(live_server, pki, settings) -> str:
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return str(live_server.url)


def test_register_shown_change(live, page):
    page.goto(live + "/apply/mypage/")
    idp_sign_in(page)
    page.get_by_role("link", name="公金受取口座").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公金受取口座")
    check(page, "01-none")
    page.get_by_role("link", name="口座を登録する").click()
    check(page, "02-form")

    # A bank name that matches several, and a number with a letter: both answered at the field.
    page.get_by_label("金融機関", exact=True).fill("三菱")
    page.get_by_label("支店", exact=True).fill("001")
    page.get_by_label("口座番号").fill("12a4")
    page.get_by_role("button", name="次へ（確認と署名）").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_number_error")).to_contain_text("数字だけ")
    expect(page.locator("#f-bank_code")).to_be_visible()
    check(page, "03-errors")
    page.get_by_label("三菱ＵＦＪ（0005）").check()
    page.get_by_label("口座番号").fill("1234")
    page.get_by_role("button", name="次へ（確認と署名）").click()

    # Check and sign.
    expect(page.get_by_role("heading", level=1)).to_have_text("確認してマイナンバーカードで署名")
    expect(page.get_by_text("0001234")).to_be_visible()
    expect(page.get_by_text("ヨシダ タロウ")).to_be_visible()
    check(page, "04-sign")
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して登録する").click()
    expect(page.get_by_text("公金受取口座を登録しました。")).to_be_visible()
    expect(page.get_by_text("0001234")).to_be_visible()
    check(page, "05-registered")
    taro = demo_resident("yoshida-taro")
    account = selectors.account_for_resident(taro.pk)
    assert account is not None and account.bank_code == "0005"

    # Change: another holder's name gets a warning, confirmed, then signed.
    page.get_by_role("link", name="口座を変更する").click()
    expect(page.get_by_label("金融機関", exact=True)).to_have_value("三菱ＵＦＪ")
    page.get_by_label("金融機関", exact=True).fill("0001")
    page.get_by_label("口座名義（カナ）").fill("やまだ　はなこ")
    page.get_by_role("button", name="次へ（確認と署名）").click()
    expect(page.locator(".funds-warning")).to_contain_text("ヤマダ ハナコ")
    check(page, "06-warning")
    page.get_by_label("この口座名義で正しいです").check()
    page.get_by_role("button", name="次へ（確認と署名）").click()
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して変更する").click()
    expect(page.get_by_text("公金受取口座を変更しました。")).to_be_visible()
    expect(page.get_by_text("ヤマダ ハナコ")).to_be_visible()
    check(page, "07-changed")
    account = selectors.account_for_resident(taro.pk)
    assert account is not None and (account.bank_code, account.holder_kana) == ("0001", "ﾔﾏﾀﾞ ﾊﾅｺ")
