"""申請の受付条件 in a real browser: a form editor turns on one application per household."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.catalog.models import Offering
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.forms import services
from madoguchi.reception.testing import staff_device, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_turns_on_one_application_per_household(live_server, page, demo, catalog):
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

    section = page.get_by_role("region", name="申請の受付条件")
    expect(section).to_be_visible()
    expect(page.get_by_role("radio", name="制限なし")).to_be_checked()
    household = page.get_by_role("radio", name="1世帯につき1件")
    household.check()
    section.screenshot(path="/tmp/madoguchi-forms-limit.png")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="受付条件を保存").click()
    expect(page.get_by_text("受付条件を保存しました")).to_be_visible()
    expect(page.get_by_role("radio", name="1世帯につき1件")).to_be_checked()
    page.screenshot(path="/tmp/madoguchi-forms-limit-saved.png", full_page=True)
    assert page.csp_violations == []
    offering = Offering.objects.get(municipality_id="131016", procedure_id="disaster-certificate")
    assert offering.application_limit == "household"
