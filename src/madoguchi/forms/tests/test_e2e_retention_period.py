"""保存期間 in a real browser at 360 px: a form editor gives 千代田区 its own period (axe clean)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.catalog.selectors import retention_years_for
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.forms import services
from madoguchi.reception.testing import staff_device, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_sets_the_retention_period(live_server, page, demo, catalog):
    editor = User.objects.get(username="chiyoda-editor")
    services.form_adopt_preset(
        municipality_code="131016", procedure_code="disaster-certificate", actor=editor
    )
    device = staff_device(editor)
    url = "/staff/forms/131016/disaster-certificate/"
    page.goto(f"{live_server.url}/staff/login/?next={url}")
    page.get_by_label("ユーザー名").fill("chiyoda-editor")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()

    section = page.get_by_role("region", name="保存期間")
    field = page.get_by_label("保存期間（決定からの年数）")
    field.fill("200")
    page.get_by_role("button", name="保存期間を保存").click()
    expect(page.get_by_role("alert")).to_contain_text("1年から100年")
    section.screenshot(path="/tmp/madoguchi-retention-forms-error.png")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("保存期間（決定からの年数）").fill("10")
    page.get_by_role("button", name="保存期間を保存").click()
    expect(page.get_by_text("保存期間を保存しました。")).to_be_visible()
    page.get_by_role("region", name="保存期間").screenshot(
        path="/tmp/madoguchi-retention-forms-saved.png"
    )
    assert page.csp_violations == []
    assert (
        retention_years_for(municipality_code="131016", procedure_code="disaster-certificate") == 10
    )
