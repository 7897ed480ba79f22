"""A case worker signs in with password and TOTP, opens the inbox, an application, and moves it
to 審査中 — in a real browser at 360 px, with axe checks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.reception.testing import staff_device, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _accessible(page, name: str) -> None:
    violations = axe_violations(page)
    page.screenshot(path=f"/tmp/madoguchi-reception-{name}.png", full_page=True)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    assert page.csp_violations == [], page.csp_violations


def test_case_worker_signs_in_with_totp_and_reviews_an_application(live_server, page, received):
    device = staff_device(User.objects.get(username="chiyoda-worker"))
    page.goto(live_server.url + "/staff/reception/")
    page.get_by_label("ユーザー名").fill("chiyoda-worker")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="確認コードを入力してください")).to_be_visible()
    _accessible(page, "code")
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()

    expect(page.get_by_role("heading", name="受付一覧", exact=True)).to_be_visible()
    page.get_by_label("申請者の氏名").fill("かつらぎ")
    page.get_by_role("button", name="表示する").click()
    expect(page.get_by_text("1件の申請")).to_be_visible()
    _accessible(page, "inbox")

    page.get_by_role("link", name=received[1].receipt_display).click()
    expect(page.get_by_role("heading", name=re.compile("申請 "))).to_be_visible()
    expect(page.get_by_text("葛\U000e0100城").first).to_be_visible()
    _accessible(page, "detail")

    page.get_by_label("審査中").check()
    page.get_by_role("button", name="状態を変更する").click()
    expect(page.get_by_text("状態を「審査中」にしました")).to_be_visible()
    _accessible(page, "changed")
    received[1].refresh_from_db()
    assert received[1].status == "in_review"
