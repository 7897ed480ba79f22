"""The public pages in headless Chromium: accessible, phone-sized, no inline script needed."""

import pytest
from playwright.sync_api import expect

from madoguchi.core.testing import (
    AXE_TAGS_22,
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
    # The whole label, its ASCII colon too: the Latin slice of the font is a file of its own,
    # fetched when first needed, and until it arrives the colon is drawn in a system font.
    text = label.inner_text()
    page.evaluate("text => document.fonts.load('16px \"Noto Sans JP\"', text)", text)
    page.wait_for_function("text => document.fonts.check('16px \"Noto Sans JP\"', text)", arg=text)
    fonts = rendered_fonts(page, "label[for=id_username]")
    assert drawn_in_noto_sans_jp(fonts), fonts
    assert page.csp_violations == []


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


def test_at_360_px_the_header_is_one_line_and_the_check_box_sits_beside_its_label(
    live_server, browser, catalog
):
    # No JavaScript at all: the menu still opens (a <details> disclosure).
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/procedures/")
    header = page.locator(".site-header__inner")
    brand = _box(page.locator(".site-header__brand"))
    menu = page.get_by_text("メニュー", exact=True)
    button = _box(menu)
    # The brand and the menu button share one row; nothing overflows.
    assert button["y"] < brand["y"] + brand["height"]
    assert brand["y"] < button["y"] + button["height"]
    assert _box(header)["height"] <= brand["height"] + 2 * 12 + 1
    assert button["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    nav = page.get_by_role("navigation", name="メインメニュー")
    expect(nav).to_be_hidden()
    menu.click()
    expect(nav).to_be_visible()
    links = nav.get_by_role("link")
    expect(links).to_have_count(5)
    for index in range(5):
        assert _box(links.nth(index))["height"] >= 44
    page.screenshot(path="/tmp/madoguchi-menu-open.png")
    nav.get_by_role("link", name="マイページ").click()
    assert "/signin/" in page.url or "/idp/" in page.url
    context.close()

    # The check box: before its label on the same line, 24 × 24 px at least.
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="ja-JP")
    page = context.new_page()
    page.goto(live_server.url + "/procedures/")
    checkbox = page.get_by_label("オンライン申請できる手続だけを表示する")
    label = _box(page.locator("label[for=id_online]"))
    box = _box(checkbox)
    assert box["width"] >= 24 and box["height"] >= 24
    assert box["x"] + box["width"] <= label["x"]
    assert label["y"] <= box["y"] + box["height"] / 2 <= label["y"] + label["height"]
    page.locator("label[for=id_online]").click()
    expect(checkbox).to_be_checked()
    page.screenshot(path="/tmp/madoguchi-procedures-360.png")
    violations = axe_violations(page, AXE_TAGS_22)
    assert violations == [], format_violations(violations)
    context.close()

    # Wide screens show the menu itself, on one line beside the brand.
    context = browser.new_context(viewport={"width": 1024, "height": 780}, locale="ja-JP")
    page = context.new_page()
    page.goto(live_server.url + "/procedures/")
    expect(page.get_by_text("メニュー", exact=True)).to_be_hidden()
    nav = page.get_by_role("navigation", name="メインメニュー")
    expect(nav).to_be_visible()
    tops = {round(_box(nav.get_by_role("link").nth(i))["y"]) for i in range(5)}
    assert len(tops) == 1, tops
    violations = axe_violations(page, AXE_TAGS_22)
    assert violations == [], format_violations(violations)
    context.close()


# U+FF61–U+FF9F: the half-width katakana and marks of 全銀 names (ﾔﾏﾀﾞ ﾊﾅｺ), which residents
# copy from a bank book into the holder field and type into the municipality search.
HALF_WIDTH_KANA = "".join(chr(code) for code in range(0xFF61, 0xFFA0))


def test_half_width_katakana_is_drawn_in_the_bundled_noto_sans_jp(live_server, page):
    # The fontsource slices of Noto Sans JP hold every one of the 63 (scattered over 29 of its
    # unicode-range files, docs/i18n.md); none may fall back to a system font.
    page.goto(live_server.url + "/search/municipalities/")
    field = page.get_by_label("市区町村名")
    field.fill(HALF_WIDTH_KANA)
    family = field.evaluate("node => getComputedStyle(node).fontFamily")
    assert family.startswith('"Noto Sans JP"'), family
    page.evaluate("text => document.fonts.load('16px \"Noto Sans JP\"', text)", HALF_WIDTH_KANA)
    page.wait_for_function(
        "text => document.fonts.check('16px \"Noto Sans JP\"', text)", arg=HALF_WIDTH_KANA
    )
    fonts = rendered_fonts(page, "#id_q")
    assert drawn_in_noto_sans_jp(fonts), fonts
    assert sum(fonts.values()) >= len(HALF_WIDTH_KANA), fonts
    assert page.csp_violations == []
