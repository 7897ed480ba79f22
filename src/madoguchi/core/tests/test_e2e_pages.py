"""The public pages in headless Chromium: accessible, phone-sized, no inline script needed."""

import pytest
from playwright.sync_api import expect

from madoguchi.core.testing import (
    axe_violations,
    drawn_in_noto_sans_jp,
    format_violations,
    rendered_fonts,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_and_municipality_search_are_accessible_and_work_with_the_keyboard(
    live_server, page, master
):
    page.goto(live_server.url + "/")
    assert page.title().startswith("トップ")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Noto Sans JP is served from our own static files and actually used.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans JP\"', '窓口')")

    page.get_by_role("link", name="お住まいの自治体を探す").first.click()
    page.get_by_label("郵便番号").fill("12ab")
    page.get_by_role("button", name="検索する").click()
    expect(page.get_by_role("alert")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    page.screenshot(path="/tmp/madoguchi-search-error.png", full_page=True)

    # The error summary link moves to the field in error.
    page.get_by_role("link", name="郵便番号：「12ab」は郵便番号の形式ではありません").click()
    assert page.evaluate("document.activeElement.id") == "id_postal_code"

    page.get_by_label("郵便番号").fill("")
    page.get_by_label("市区町村名").fill("ﾁﾖﾀﾞ")
    page.keyboard.press("Enter")
    expect(page.get_by_role("cell", name="東京都千代田区")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    # Nothing overflows a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/madoguchi-search-results.png", full_page=True)
    assert page.csp_violations == []


def test_the_operator_admin_draws_japanese_in_the_bundled_noto_sans_jp(live_server, page):
    page.goto(live_server.url + "/ops-admin/login/")
    label = page.locator("label[for=id_username]")
    assert "ユーザー名" in label.inner_text()
    family = label.evaluate("node => getComputedStyle(node).fontFamily")
    assert family.startswith('"Noto Sans JP"'), family
    page.wait_for_function("document.fonts.check('16px \"Noto Sans JP\"', 'ユーザー名')")
    fonts = rendered_fonts(page, "label[for=id_username]")
    assert drawn_in_noto_sans_jp(fonts), fonts
    assert page.csp_violations == []
