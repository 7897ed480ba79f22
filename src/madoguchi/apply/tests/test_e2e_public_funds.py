"""Headless Chromium at 360 px, axe-clean (ADR 0021): a resident with a 公金受取口座 fills the
payee page of a benefit form by choosing 「公金受取口座を利用する」, checks, signs; a case worker
then sees the account on the application's page — and that view is audited."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import expect

from madoguchi.applications.models import Application
from madoguchi.applications.services import application_draft_create
from madoguchi.apply.tests.conftest import publish
from madoguchi.apply.tests.test_e2e_journey import (
    arrived_then_received,
    check_page,
    idp_sign_in,
    live,  # noqa: F401 - the fixture
    save_and_continue,
)
from madoguchi.audit.models import AuditEvent
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.forms import presets
from madoguchi.publicfunds import testing as funds_testing
from madoguchi.reception.testing import staff_browser_login
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROCEDURE = "child-allowance-unpaid"


def test_choose_the_account_sign_and_staff_see_it(live, page, browser):  # noqa: F811
    taro = demo_resident("yoshida-taro")
    funds_testing.account_for(taro, number="1234567")
    preset = presets.preset_get(PROCEDURE)
    assert preset is not None
    answers = copy.deepcopy(preset.samples[0])
    del answers["payee.account"]
    draft = application_draft_create(
        form_version=publish(PROCEDURE), resident=taro, answers=answers
    )

    page.goto(f"{live}/apply/{draft.public_id}/payee/")
    idp_sign_in(page)
    page.goto(f"{live}/apply/{draft.public_id}/payee/")
    choice = page.get_by_label("公金受取口座を利用する")
    expect(choice).to_be_checked()
    expect(page.get_by_text("****567")).to_be_visible()
    check_page(page, "public-funds-01-payee")
    # Asked for another account but left it empty: the error is at the field, nothing lost.
    page.get_by_label("別の口座を入力する").check()
    save_and_continue(page)
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "public-funds-02-payee-error")
    page.get_by_label("公金受取口座を利用する").check()
    save_and_continue(page)
    page.get_by_label("記載内容に誤りがないことを誓約します").check()
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("入力内容の確認")
    expect(page.get_by_text(re.compile("1234567 .*（公金受取口座）"))).to_be_visible()
    check_page(page, "public-funds-03-check")
    page.get_by_role("link", name="電子署名へ進む").click()
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して申請").click()
    arrived_then_received(page)
    check_page(page, "public-funds-04-receipt")
    application = Application.objects.get(pk=draft.pk)
    assert application.answers["payee.account"]["source"] == "public_funds"

    # A case worker opens the application: the account is shown, and the view is audited.
    staff = browser.new_context(viewport={"width": 360, "height": 780}, locale="ja-JP")
    try:
        worker = staff.new_page()
        detail = f"{live}/staff/reception/applications/{application.receipt_number}/"
        staff_browser_login(worker, detail, "chiyoda-worker")
        expect(worker.get_by_text(re.compile("1234567 .*（公金受取口座）"))).to_be_visible()
        violations = axe_violations(worker)
        assert violations == [], format_violations(violations)
    finally:
        staff.close()
    viewed = [
        e
        for e in AuditEvent.objects.filter(action="publicfunds.account_viewed")
        if e.data.get("view") == "application"
    ]
    assert viewed and viewed[0].data["application"] == application.receipt_number
