"""Group items prefilled from the 住民基本台帳 in headless Chromium at 360 px (axe clean): the
罹災証明書's household members locked (names as text, no add or remove), and the 保育所
application's children as marked inputs the resident may add to — also without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from madoguchi.applications.models import Application
from madoguchi.apply.tests.conftest import publish
from madoguchi.apply.tests.test_e2e_journey import check_page, idp_sign_in
from madoguchi.idp import testing
from madoguchi.linkage.services import linkage_demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live(live_server, pki, catalog, settings) -> tuple[str, dict[str, str]]:
    versions = {
        code: str(publish(code).pk) for code in ("disaster-certificate", "childcare-admission")
    }
    linkage_demo_load()
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return str(live_server.url), versions


def _start_and_fetch(page: Any, url: str, version_id: str, *, sign_in: bool) -> Application:
    page.goto(f"{url}/apply/start/{version_id}/")
    if sign_in:
        idp_sign_in(page)
    page.get_by_role("button", name="申請を始める").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("住民基本台帳などから取得する")
    page.get_by_role("button", name="同意して住民基本台帳などから取得する").click()
    expect(page.get_by_text("項目を取得して入力しました")).to_be_visible()
    return Application.objects.order_by("-created_at")[0]


def _locked_household(page: Any, url: str, version_id: str, *, sign_in: bool, js: bool) -> None:
    application = _start_and_fetch(page, url, version_id, sign_in=sign_in)
    page.goto(f"{url}/apply/{application.public_id}/household/")
    group = page.locator("#f-household-members")
    expect(group.get_by_text("ここでは追加・削除できません")).to_be_visible()
    names = group.locator(".field__locked-value")
    expect(names).to_have_text(["𠮷田\u3000花子", "𠮷田\u3000陽翔", "𠮷田\u3000結衣"])
    expect(group.get_by_role("button", name="を追加する", exact=False)).to_have_count(0)
    expect(group.get_by_role("button", name="を削除する", exact=False)).to_have_count(0)
    if js:
        check_page(page, "groups-01-household-locked")
    for index, relationship in enumerate(["妻", "子", "子"]):
        page.locator(f"#f-household-members-{index}--member-relationship").fill(relationship)
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("同じ住家に住む世帯員")
    application.refresh_from_db()
    members = application.raw_answers["household.members"]
    assert [m["member.relationship"] for m in members] == ["妻", "子", "子"]
    assert [m["member.name"]["given"] for m in members] == ["花子", "陽翔", "結衣"]


def _editable_children(page: Any, url: str, version_id: str, *, js: bool) -> None:
    application = _start_and_fetch(page, url, version_id, sign_in=False)
    page.goto(f"{url}/apply/{application.public_id}/children/")
    expect(page.locator("#f-children-0--child-name-given")).to_have_value("陽翔")
    expect(page.locator("#f-children-1--child-birth_date-year")).to_have_value("5")  # 令和5年
    expect(page.locator("#f-children-1--child-name_source")).to_contain_text("住民基本台帳")
    if js:
        check_page(page, "groups-02-children-editable")
    page.get_by_role("button", name="入所を希望する児童を追加する").click()
    expect(page.locator("#f-children-2--child-name-family")).to_have_value("")
    if js:
        check_page(page, "groups-03-children-added")


def test_household_locked_and_children_editable(live, page):
    url, versions = live
    _locked_household(page, url, versions["disaster-certificate"], sign_in=True, js=True)
    _editable_children(page, url, versions["childcare-admission"], js=True)
    assert page.csp_violations == []


def test_the_same_without_javascript(live, browser):
    url, versions = live
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    try:
        _locked_household(page, url, versions["disaster-certificate"], sign_in=True, js=False)
        _editable_children(page, url, versions["childcare-admission"], js=False)
    finally:
        context.close()
