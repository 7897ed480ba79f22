"""A case worker puts a decided application on legal hold in a real browser at 360 px (axe
clean); the retention run then leaves it alone (docs/retention.md)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.applications.retention import retention_due, years_after
from madoguchi.applications.types import Status
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.reception.testing import staff_device, totp_code
from madoguchi.reception.tests.test_retention import TODAY, decide

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _accessible(page, name: str) -> None:
    violations = axe_violations(page)
    page.screenshot(path=f"/tmp/madoguchi-retention-{name}.png", full_page=True)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    assert page.csp_violations == [], page.csp_violations


def test_case_worker_sets_and_releases_a_legal_hold(live_server, page, received):
    taro = decide(received[0], Status.COMPLETED, years_after(TODAY, -6))
    assert [d.pk for d in retention_due(today=TODAY)] == [taro.pk]
    device = staff_device(User.objects.get(username="chiyoda-worker"))
    page.goto(f"{live_server.url}/staff/reception/applications/{taro.receipt_number}/")
    page.get_by_label("ユーザー名").fill("chiyoda-worker")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()

    expect(page.get_by_role("heading", name="保存期間と法的保存")).to_be_visible()
    expect(page.get_by_text("決定から5年")).to_be_visible()
    page.get_by_role("button", name="法的保存にする").click()  # no reason: refused at the field
    expect(page.get_by_role("alert")).to_contain_text("法的保存の理由")
    _accessible(page, "01-hold-error")
    page.get_by_label("法的保存の理由").fill("審査請求中")
    page.get_by_role("button", name="法的保存にする").click()
    expect(page.get_by_text("この申請を法的保存にしました")).to_be_visible()
    expect(page.get_by_text("審査請求中").first).to_be_visible()
    _accessible(page, "02-on-hold")
    assert retention_due(today=TODAY) == []

    page.get_by_role("button", name="法的保存を解除する").click()
    expect(page.get_by_text("法的保存を解除しました。")).to_be_visible()
    assert [d.pk for d in retention_due(today=TODAY)] == [taro.pk]
