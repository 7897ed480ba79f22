"""The resident's journey in headless Chromium at 360 px: search, procedure, sign-in through the
development IdP, the form's pages with a photo, check, a wrong PIN then the right one, the 到達
page that turns into the receipt by itself (without JavaScript), receipt,
mypage, the PDF copy. Accessible (axe-core) on every page; keyboard only; without JavaScript."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from madoguchi.applications.models import Application, Arrival
from madoguchi.applications.selectors import applications_for_municipalities
from madoguchi.applications.services import application_draft_create, application_status_change
from madoguchi.applications.testing import arrival_worker
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import publish
from madoguchi.apply.tests.journey import JPEG
from madoguchi.apply.tests.test_pdf import submitted
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.forms import presets
from madoguchi.idp import testing
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TARO = "𠮷田\u3000太郎（1985年4月12日生まれ）"
PHOTO = {"name": "roof.jpg", "mimeType": "image/jpeg", "buffer": JPEG}


@pytest.fixture
def live(live_server, pki, catalog, settings) -> str:
    publish("disaster-certificate")
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return str(live_server.url)


def check_page(page: Any, name: str) -> None:
    """Zero WCAG 2.1 A/AA violations, nothing wider than 360 px, and a screenshot to look at."""
    violations = axe_violations(page)
    assert violations == [], f"{name}: {format_violations(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    page.screenshot(path=f"/tmp/madoguchi-apply-{name}.png", full_page=True)


def idp_sign_in(page: Any, resident_label: str = TARO) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("本人確認")
    page.get_by_label("住民").select_option(label=resident_label)
    page.get_by_label("利用者証明用暗証番号（数字4桁）").fill("1234")
    page.get_by_role("button", name="ログイン", exact=True).click()


def save_and_continue(page: Any) -> None:
    page.get_by_role("button", name="保存して次へ").click()


def arrived_then_received(page: Any) -> None:
    """After 署名して申請: 到達 first; the page turns into the receipt by its own refresh once a
    worker (a thread here, as `make run`'s worker) examined the arrival."""
    expect(page.get_by_role("heading", level=1)).to_have_text("申請が到達しました")
    with arrival_worker():
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "申請を受け付けました", timeout=20_000
        )


def test_search_apply_sign_receipt_mypage_and_pdf(live, page):
    page.goto(f"{live}/procedures/?q=家が壊れた")
    check_page(page, "01-search")
    page.get_by_role("link", name="罹災証明書の発行申請").first.click()
    page.get_by_label("郵便番号").fill("102-0083")
    page.get_by_label("郵便番号").press("Enter")
    expect(page.get_by_role("heading", name="千代田区", exact=False).first).to_be_visible()
    check_page(page, "02-procedure")
    page.get_by_role("link", name="オンラインで申請する").click()

    idp_sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("罹災証明書の発行申請")
    check_page(page, "03-start")
    page.get_by_role("button", name="申請を始める").click()

    # Page 1: the applicant, prefilled from the login.
    expect(page.get_by_text("全8ステップ中 1 ステップ目")).to_be_visible()
    expect(page.locator("#f-applicant-name-family")).to_have_value("𠮷田")
    expect(page.locator("#f-applicant-address-address")).to_have_value(
        "東京都千代田区麹町二丁目1番1号"
    )
    check_page(page, "04-applicant")
    page.locator("#f-applicant-phone").fill("03-1234-5678")
    page.get_by_label("世帯主").check()
    save_and_continue(page)

    # Page 2 with a mistake first: the summary links to the field, typed values stay.
    page.locator("#f-disaster-location-postal_code").fill("102-0083")
    page.locator("#f-disaster-location-address").fill("東京都千代田区麹町二丁目1番1号")
    page.locator("#f-disaster-date-era").select_option("reiwa")
    page.locator("#f-disaster-date-year").fill("7")
    page.locator("#f-disaster-date-month").fill("13")
    page.locator("#f-disaster-date-day").fill("15")
    page.locator("#f-disaster-cause").select_option("storm")
    page.get_by_label("住家", exact=True).check()
    page.get_by_label("半壊", exact=True).check()
    page.locator("#f-disaster-damage_description").fill("台風で屋根瓦が落ち、雨漏りしている。")
    page.get_by_label("持ち家").check()
    save_and_continue(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("被災日")
    assert page.title().startswith("エラー: ")
    check_page(page, "05-disaster-error")
    summary.get_by_role("link").first.click()
    page.locator("#f-disaster-date-month").fill("1")
    save_and_continue(page)

    save_and_continue(page)  # household: nobody else
    page.locator("#f-certificate-copies").fill("1")
    page.get_by_label("郵送").check()
    save_and_continue(page)
    page.locator("#f-attachments-photos").set_input_files(files=[PHOTO])
    check_page(page, "06-attachments")
    save_and_continue(page)
    page.get_by_label("記載内容に誤りがないことを誓約します").check()
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("入力内容の確認")
    expect(page.get_by_text("roof.jpg", exact=True)).to_be_visible()
    check_page(page, "07-check")
    page.get_by_role("link", name="電子署名へ進む").click()

    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill("WRONG999")
    page.get_by_role("button", name="署名して申請").click()
    expect(page.locator("#id_pin_error")).to_contain_text("あと4回")
    check_page(page, "08-sign-wrong-pin")
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して申請").click()

    # 到達: recorded at once, examined by a worker (none runs yet, so the page waits).
    expect(page.get_by_role("heading", level=1)).to_have_text("申請が到達しました")
    arrival = Arrival.objects.get()
    expect(page.get_by_text(f"到達しました（到達番号 {arrival.display}）")).to_be_visible()
    arrival_url = page.url
    page.goto(arrival_url + "?auto=0")  # the same page, not reloading under axe
    expect(page.get_by_role("link", name="もう一度確認する")).to_be_visible()
    check_page(page, "09-arrival")
    # Without JavaScript, the 到達 page turns into the receipt by itself once a worker
    # examined the arrival (the Refresh header reloads it).
    no_js = page.context.browser.new_context(
        viewport={"width": 360, "height": 780},
        locale="ja-JP",
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    try:
        plain = no_js.new_page()
        plain.goto(arrival_url)
        expect(plain.get_by_role("heading", level=1)).to_have_text("申請が到達しました")
        with arrival_worker():
            expect(plain.get_by_role("heading", level=1)).to_have_text(
                "申請を受け付けました", timeout=20_000
            )
        assert plain.url.endswith("/receipt/")
    finally:
        no_js.close()
    page.goto(arrival_url)

    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    number = page.locator(".receipt-panel__number").inner_text()
    check_page(page, "10-receipt")
    application = Application.objects.get()
    assert number == application.receipt_display
    assert application.status == Status.SUBMITTED
    # In 千代田区's reception data.
    assert applications_for_municipalities(municipality_codes=["131016"]).get() == application

    with page.expect_download() as download_info:
        page.get_by_role("link", name="申請書控え（PDF）をダウンロード").click()
    data = download_info.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert number in text and "𠮷田" in text

    page.get_by_role("link", name="マイページへ").first.click()
    expect(page.get_by_text(number, exact=True)).to_be_visible()
    check_page(page, "11-mypage")
    assert page.csp_violations == []


def test_every_other_resident_page_is_accessible(live, page):
    taro = demo_resident("yoshida-taro")
    from madoguchi.forms.selectors import published_form_version_for

    version = published_form_version_for(
        municipality_code="131016", procedure_code="disaster-certificate"
    )
    assert version is not None
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    draft = application_draft_create(form_version=version, resident=taro)
    returned = submitted(version, taro, preset.samples[0])
    application_status_change(
        application=returned,
        to_status=Status.RETURNED,
        actor=None,
        message="写真が不鮮明です。撮り直して添付してください。",
    )
    received = submitted(version, taro, preset.samples[0])

    page.goto(f"{live}/apply/mypage/")
    idp_sign_in(page)
    expect(page.get_by_text("写真が不鮮明です")).to_be_visible()
    check_page(page, "20-mypage-all")
    for name, url in [
        ("21-check-incomplete", f"/apply/{draft.public_id}/check/"),
        ("22-page-from-check", f"/apply/{draft.public_id}/applicant/?return=check"),
        ("23-household-group", f"/apply/{draft.public_id}/household/"),
        ("24-delete-confirm", f"/apply/{draft.public_id}/delete/"),
        ("25-status-returned", f"/apply/{returned.public_id}/status/"),
        ("26-withdraw-confirm", f"/apply/{received.public_id}/withdraw/"),
        ("27-sign-returned", f"/apply/{returned.public_id}/sign/"),
    ]:
        page.goto(f"{live}{url}")
        check_page(page, name)
    # Five wrong PINs: the lock page.
    for _ in range(5):
        page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill("WRONG999")
        page.get_by_role("button", name="署名して申請").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "署名用電子証明書の暗証番号がロックされました"
    )
    check_page(page, "28-locked")
    page.goto(f"{live}/apply/{received.public_id}/withdraw/")
    page.get_by_role("button", name="取り下げる").click()
    expect(page.get_by_text("申請を取り下げました。")).to_be_visible()
    check_page(page, "29-withdrawn")
    assert page.csp_violations == []
