"""A municipal administrator in headless Chromium: a wording with an unknown variable is refused
at the field, then a send to a segment shows the count before it goes; axe finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.notices.models import Notice
from madoguchi.notices.testing import resident_in
from madoguchi.reception.testing import staff_device, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def accessible(page: Any, name: str) -> None:
    page.screenshot(path=f"/tmp/madoguchi-notices-{name}.png", full_page=True)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.csp_violations == [], page.csp_violations


def test_admin_edits_a_wording_and_sends_to_a_segment(
    live_server: Any, page: Any, demo: None
) -> None:
    for n in range(2):
        resident_in("131016", email=f"c{n}@example.jp")
    device = staff_device(User.objects.get(username="chiyoda-admin"))
    page.goto(live_server.url + "/staff/notices/")
    page.get_by_label("ユーザー名").fill("chiyoda-admin")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()
    expect(page.get_by_role("heading", name="お知らせ", exact=True)).to_be_visible()

    page.get_by_role("link", name="お知らせの文面").click()
    page.locator("a[href^='/staff/notices/templates/applications.arrival_refused/']").click()
    page.get_by_label("本文").fill("到達番号 {number}：{reson}")
    page.get_by_role("button", name="プレビュー").click()
    expect(page.locator("#id_body_error")).to_contain_text("{reson}")
    accessible(page, "wording-error")
    page.get_by_label("本文").fill("到達番号 {number} の申請は受け付けられませんでした。{reason}")
    page.get_by_role("button", name="プレビュー").click()
    expect(page.get_by_text("A1B2-C3D4-E5F6 の申請は受け付けられませんでした。")).to_be_visible()
    accessible(page, "wording-preview")

    page.goto(live_server.url + "/staff/notices/send/")
    page.get_by_label("送信先").select_option("all_with_account")
    page.get_by_label("件名").fill("断水のお知らせ")
    page.get_by_label("本文").fill("12月5日 9時から12時まで断水します。")
    page.get_by_role("button", name="次へ：届く人数を確認する").click()
    expect(page.get_by_text("このお知らせは2人の住民に届きます。")).to_be_visible()
    accessible(page, "send-confirm")
    assert not Notice.objects.exists()
    page.get_by_role("button", name="送信する").click()
    expect(page.get_by_text("2件のお知らせを送信しました。")).to_be_visible()
    expect(page.get_by_role("cell", name="送信済み")).to_have_count(2)
    accessible(page, "status")
