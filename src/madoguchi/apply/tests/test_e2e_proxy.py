"""A parent applies for their minor child (代理申請) in headless Chromium at 360 px: the 転出届 of
𠮷田陽翔, filed and signed by his father 𠮷田太郎 with his own card. Whose application it is
shows on every page; a wrong basis is refused at the field first; the receipt and the child's
own My page show both parties. Accessible (axe-core) on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from madoguchi.applications.models import Application
from madoguchi.applications.types import ProxyBasis, Status
from madoguchi.apply.tests.conftest import publish, sign_in
from madoguchi.apply.tests.test_e2e_journey import (
    arrived_then_received,
    check_page,
    idp_sign_in,
    save_and_continue,
)
from madoguchi.idp import testing
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PIN_LABEL = "署名用電子証明書の暗証番号（英数字6〜16桁）"


@pytest.fixture
def live(live_server, pki, catalog, settings) -> tuple[str, Any]:
    version = publish("moving-out-notification")
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return str(live_server.url), version


def whose(page: Any) -> Any:
    return page.get_by_role("note", name="誰の申請か")


def test_a_parent_applies_for_a_minor_child(live, page):
    url, version = live
    page.goto(f"{url}/apply/start/{version.pk}/")
    idp_sign_in(page)
    page.get_by_role("button", name="申請を始める").click()

    # Page 1: the child is the applicant (届出人本人); the father declares himself the proxy.
    expect(whose(page)).to_contain_text("𠮷田\u3000太郎")
    page.locator("#f-applicant-name-given").fill("陽翔")
    page.locator("#f-applicant-name_kana-given").fill("ハルト")
    page.locator("#f-applicant-birth_date-era").select_option("reiwa")
    page.locator("#f-applicant-birth_date-year").fill("1")
    page.locator("#f-applicant-birth_date-month").fill("6")
    page.locator("#f-applicant-birth_date-day").fill("1")
    page.locator("#f-applicant-phone").fill("03-1234-5678")
    page.locator("#f-proxy-is_proxy-proxy").check()
    # First a wrong basis on purpose: a care manager without an office is refused at the field.
    page.locator("#f-proxy-kind-care_manager").check()
    page.locator("#f-proxy-name-family").fill("𠮷田")
    page.locator("#f-proxy-name-given").fill("太郎")
    page.locator("#f-proxy-relationship").fill("父")
    page.locator("#f-proxy-address-postal_code").fill("102-0083")
    page.locator("#f-proxy-address-address").fill("東京都千代田区麹町二丁目1番1号")
    page.locator("#f-moving-householder-no").check()
    save_and_continue(page)
    expect(page.get_by_role("alert")).to_contain_text("介護保険事業所番号")
    check_page(page, "p01-applicant-error")

    page.locator("#f-proxy-kind-parent").check()
    save_and_continue(page)

    # Every following page says whose application it is, and who applies for them.
    expect(whose(page)).to_contain_text("𠮷田\u3000陽翔")
    expect(whose(page)).to_contain_text("代理人の𠮷田\u3000太郎さん")
    page.locator("#f-moving-new_address-postal_code").fill("231-0023")
    page.locator("#f-moving-new_address-address").fill("神奈川県横浜市中区山下町1番地")
    for prefix in ("moving-date", "moving-arrival_visit_date"):
        page.locator(f"#f-{prefix}-era").select_option("reiwa")
        page.locator(f"#f-{prefix}-year").fill("9")
        page.locator(f"#f-{prefix}-month").fill("4")
        page.locator(f"#f-{prefix}-day").fill("1")
    page.locator("#f-moving-new_householder-family").fill("𠮷田")
    page.locator("#f-moving-new_householder-given").fill("一郎")
    check_page(page, "p02-moving")
    save_and_continue(page)
    expect(whose(page)).to_contain_text("𠮷田\u3000陽翔")
    save_and_continue(page)  # nobody moves with him
    page.locator("#f-moving-my_number_card-no").check()
    save_and_continue(page)
    page.get_by_label("記載内容に誤りがないことを誓約します").check()
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("入力内容の確認")
    expect(whose(page)).to_contain_text("𠮷田\u3000陽翔")
    check_page(page, "p03-check")
    page.get_by_role("link", name="電子署名へ進む").click()
    expect(whose(page)).to_contain_text("代理人の𠮷田\u3000太郎さん")
    check_page(page, "p04-sign")
    page.get_by_label(PIN_LABEL).fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して申請").click()

    arrived_then_received(page)
    expect(page.get_by_text("𠮷田\u3000陽翔", exact=True)).to_be_visible()
    expect(page.get_by_text("𠮷田\u3000太郎（父）", exact=True)).to_be_visible()
    check_page(page, "p05-receipt")

    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.parties["basis"] == ProxyBasis.PARENT
    assert application.parties["signer"]["name"] == "𠮷田\u3000太郎"
    assert application.parties["subject"]["name"] == "𠮷田\u3000陽翔"
    child = demo_resident("yoshida-haruto")
    assert application.resident == demo_resident("yoshida-taro")
    assert application.subject_resident == child
    # The child (once they have an account) sees it in their own My page, read only.
    child_page = sign_in(Client(), child).get("/apply/mypage/").content.decode()
    assert application.receipt_display in child_page and "代理人" in child_page
    assert page.csp_violations == []
