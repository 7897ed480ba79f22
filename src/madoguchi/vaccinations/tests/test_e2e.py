"""In headless Chromium at 360 px, axe-clean on every page: a clinic uploads a CSV with an error,
then the fixed file, and registers it → the record is visible to staff → the resident asks for a
certificate with the card → the QR is shown → the verify page, given a photo of it, says valid."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.apply.tests.test_e2e_journey import idp_sign_in
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.idp import testing
from madoguchi.reception.testing import staff_device, totp_code
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.vaccinations.models import Record

from .conftest import HEADER, days_ago, row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SATO = "佐藤\u3000次郎（2000年5月5日生まれ）"


def check(page: Any, name: str) -> None:
    violations = axe_violations(page)
    page.screenshot(path=f"/tmp/madoguchi-vaccinations-{name}.png", full_page=True)
    assert violations == [], f"{name}: {format_violations(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    assert page.csp_violations == [], page.csp_violations


def staff_sign_in(page: Any, base: str, username: str, path: str) -> None:
    device = staff_device(User.objects.get(username=username))
    page.goto(base + path)
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()


def csv(*lines: str) -> dict[str, Any]:
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    return {"name": "doses.csv", "mimeType": "text/csv", "buffer": text.encode("cp932")}


@pytest.fixture
def live(live_server, vacc, settings) -> str:
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return str(live_server.url)


def test_upload_fix_staff_certificate_and_verify(live, page, browser):
    # 1. The clinic uploads a file with an error: nothing is registered; the row and column show.
    staff_sign_in(page, live, "chiyoda-clinic", "/staff/vaccinations/clinic/")
    expect(page.get_by_role("heading", name="接種記録のアップロード")).to_be_visible()
    check(page, "clinic")
    page.get_by_label("CSVファイル").set_input_files(
        csv(row("sato-jiro", 1, days_ago(10)), row("sato-jiro", 2, days_ago(-2)))
    )
    page.get_by_role("button", name="アップロードして検査する").click()
    expect(page.get_by_text("2行のうち、エラーのある行は1行です。")).to_be_visible()
    expect(page.get_by_role("cell", name="未来の日付です。")).to_be_visible()
    check(page, "upload-errors")
    page.get_by_role("button", name="このアップロードを破棄する").click()
    expect(page.get_by_text("アップロードを破棄しました。")).to_be_visible()
    assert Record.objects.filter(resident__family_name="佐藤").count() == 0

    # …then the fixed file, registered on confirmation.
    page.get_by_label("CSVファイル").set_input_files(
        csv(row("sato-jiro", 1, days_ago(30)), row("sato-jiro", 2, days_ago(2)))
    )
    page.get_by_role("button", name="アップロードして検査する").click()
    expect(page.get_by_text("2行のうち、エラーのある行は0行です。")).to_be_visible()
    page.get_by_role("button", name="接種記録を登録する").click()
    expect(page.get_by_text("2件の接種記録を登録しました。")).to_be_visible()
    check(page, "upload-registered")

    # 2. A case worker of 千代田区 finds the records.
    staff = browser.new_context(viewport={"width": 360, "height": 780}, locale="ja-JP")
    staff_page = staff.new_page()
    staff_page.csp_violations = []
    staff_sign_in(staff_page, live, "chiyoda-worker", "/staff/vaccinations/")
    staff_page.get_by_label("氏名・フリガナ・接種券番号").fill("サトウ")
    staff_page.get_by_role("button", name="検索する").click()
    check(staff_page, "staff-search")
    staff_page.get_by_role("link", name="佐藤\u3000次郎（サトウ\u3000ジロウ）").click()
    expect(staff_page.get_by_role("cell", name=days_ago(2))).to_be_visible()
    check(staff_page, "staff-resident")
    staff.close()

    # 3. The resident asks for a certificate, signing with the card.
    page.context.clear_cookies()
    page.goto(live + "/vaccinations/")
    idp_sign_in(page, SATO)
    expect(page.get_by_role("heading", name="わたしの接種記録")).to_be_visible()
    check(page, "mine")
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill("WRONG1")
    page.get_by_role("button", name="署名して申請する").click()
    expect(page.locator(".field__error")).to_be_visible()
    check(page, "mine-wrong-pin")
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して申請する").click()
    expect(page.get_by_role("heading", name="接種証明書")).to_be_visible()
    qr = page.get_by_role("img", name="この接種証明書のSMART Health Card QRコード")
    expect(qr).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('.vacc-qr');"
        " return i.complete && i.naturalWidth > 0; }",
        timeout=10000,
    )
    check(page, "certificate")
    photo = qr.screenshot()

    # 4. Anyone verifies a photo of the QR on the public page.
    page.goto(live + "/vaccinations/verify/")
    check(page, "verify")
    page.get_by_label("またはQRコードの画像").set_input_files(
        {"name": "qr.png", "mimeType": "image/png", "buffer": photo}
    )
    page.get_by_role("button", name="検証する").click()
    expect(
        page.get_by_role("heading", name="有効です：発行した市区町村の署名があります")
    ).to_be_visible()
    expect(page.get_by_text("佐藤　次郎")).to_be_visible()
    check(page, "verify-valid")
