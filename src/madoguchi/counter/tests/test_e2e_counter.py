"""A counter-assisted application end to end in headless Chromium at 360 px: a case worker of
千代田区 signs in (password + TOTP), finds 髙橋一郎 who is at the counter, fills in his 罹災証明書
application with him, hands over the device, and he signs with his own card; the application is
then in the inbox and in his My page. Accessible (axe-core) on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.applications.models import Application
from madoguchi.applications.testing import arrival_worker
from madoguchi.applications.types import Channel, Status
from madoguchi.apply.tests.conftest import publish, sign_in
from madoguchi.apply.tests.journey import JPEG
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.reception.testing import staff_device, totp_code
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PIN_LABEL = "署名用電子証明書の暗証番号（英数字6〜16桁）"
PHOTO = {"name": "roof.jpg", "mimeType": "image/jpeg", "buffer": JPEG}


def check_page(page: Any, name: str) -> None:
    violations = axe_violations(page)
    page.screenshot(path=f"/tmp/madoguchi-counter-{name}.png", full_page=True)
    assert violations == [], f"{name}: {format_violations(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name


def save_and_continue(page: Any) -> None:
    page.get_by_role("button", name="保存して次へ").click()


def test_a_case_worker_does_a_counter_assisted_application(live_server, page, pki, catalog):
    publish("disaster-certificate")
    url = live_server.url
    device = staff_device(User.objects.get(username="chiyoda-worker"))
    page.goto(f"{url}/staff/counter/")
    page.get_by_label("ユーザー名").fill("chiyoda-worker")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("窓口での申請")
    check_page(page, "01-home")
    page.locator("#id_family_name").fill("高橋")  # not 髙: a different character
    page.locator("#id_given_name").fill("一郎")
    page.locator("#id_birth_date").fill("1950-01-20")
    page.get_by_role("button", name="探す").click()
    expect(page.get_by_text("この氏名と生年月日の住民は見つかりません")).to_be_visible()
    page.locator("#id_family_name").fill("髙橋")
    page.get_by_role("button", name="探す").click()
    check_page(page, "02-found")
    page.get_by_role("link", name="髙橋\u3000一郎").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("髙橋\u3000一郎")
    check_page(page, "03-resident")
    page.get_by_role("button", name="本人と一緒に入力を始める").click()

    # Prefilled from the resident record; every page says whose application it is.
    expect(page.locator("#f-applicant-name-family")).to_have_value("髙橋")
    whose = page.get_by_role("note", name="誰の申請か")
    expect(whose).to_contain_text("髙橋\u3000一郎")
    expect(whose).to_contain_text("窓口で職員の手伝いを受けて入力しています")
    check_page(page, "04-applicant")
    page.locator("#f-applicant-phone").fill("03-1234-5678")
    page.get_by_label("世帯主").check()
    save_and_continue(page)
    page.locator("#f-disaster-location-postal_code").fill("100-0014")
    page.locator("#f-disaster-location-address").fill("東京都千代田区永田町一丁目7番1号")
    page.locator("#f-disaster-date-era").select_option("reiwa")
    page.locator("#f-disaster-date-year").fill("7")
    page.locator("#f-disaster-date-month").fill("1")
    page.locator("#f-disaster-date-day").fill("15")
    page.locator("#f-disaster-cause").select_option("storm")
    page.get_by_label("住家", exact=True).check()
    page.get_by_label("半壊", exact=True).check()
    page.locator("#f-disaster-damage_description").fill("台風で屋根瓦が落ち、雨漏りしている。")
    page.get_by_label("持ち家").check()
    save_and_continue(page)
    save_and_continue(page)  # household: nobody else
    page.locator("#f-certificate-copies").fill("1")
    page.locator("#f-certificate-delivery-counter").check()
    save_and_continue(page)
    page.locator("#f-attachments-photos").set_input_files(files=[PHOTO])
    save_and_continue(page)
    page.get_by_label("記載内容に誤りがないことを誓約します").check()
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("本人と一緒に入力内容を確認")
    check_page(page, "05-check")
    page.get_by_role("link", name="本人に渡して署名してもらう").click()

    # The resident enters his own PIN on the counter device; his own card signs.
    expect(page.get_by_role("heading", level=1)).to_have_text("マイナンバーカードで電子署名")
    check_page(page, "06-sign")
    page.get_by_label(PIN_LABEL).fill("WRONG999")
    page.get_by_role("button", name="署名して申請").click()
    expect(page.locator("#id_pin_error")).to_contain_text("あと4回")
    check_page(page, "07-sign-wrong-pin")
    page.get_by_label(PIN_LABEL).fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して申請").click()
    # Arrived (到達); the page reloads itself into the receipt once a worker examined it.
    expect(page.get_by_role("heading", level=1)).to_have_text("署名された申請が到達しました")
    check_page(page, "08-arrived")
    with arrival_worker():
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "申請を受け付けました", timeout=20_000
        )
    number = page.locator(".receipt-panel__number").inner_text()
    check_page(page, "08-done")

    application = Application.objects.get()
    ichiro = demo_resident("takahashi-ichiro")
    assert number == application.receipt_display and application.status == Status.SUBMITTED
    assert application.channel == Channel.COUNTER
    assert application.assisted_by == User.objects.get(username="chiyoda-worker")
    assert application.resident == ichiro
    evidence = application.signature_evidence
    assert evidence is not None and evidence.outcome == "valid"
    assert "髙橋" in evidence.holder_name

    # Staff see who assisted; the resident finds it in his own My page.
    page.get_by_role("link", name="受付一覧で申請を開く").click()
    expect(page.get_by_text("窓口で本人と一緒に入力し、本人が窓口の端末で署名")).to_be_visible()
    check_page(page, "09-detail")
    mypage = sign_in(Client(), ichiro).get("/apply/mypage/").content.decode()
    assert number in mypage and "窓口で職員の手伝いを受けて入力" in mypage
    assert page.csp_violations == []
