"""/api/v1/docs/ in headless Chromium: the Japanese text is drawn in the bundled Noto Sans JP.

The browser has no Japanese system font, so any kanji not drawn in the web font would be an
empty box; the DevTools protocol tells which font actually drew each glyph of a node.
"""

import pytest
from playwright.sync_api import expect

from madoguchi.core.testing import drawn_in_noto_sans_jp, rendered_fonts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_draw_japanese_in_the_bundled_noto_sans_jp(live_server, page):
    page.goto(live_server.url + "/api/v1/docs/")
    summary = page.locator(".opblock-summary-description", has_text="地方公共団体").first
    expect(summary).to_be_visible()
    text = summary.inner_text()
    assert "地方公共団体" in text

    family = summary.evaluate("node => getComputedStyle(node).fontFamily")
    assert family.startswith('"Noto Sans JP"'), family
    # The web-font slices that hold the Japanese characters have loaded. (Only the Japanese
    # part: fontsource repeats some Latin letters in the Japanese slices, and check() wants every
    # slice that lists a character, while the browser rightly loads only the Latin one.)
    japanese = text.split(" / ")[0]
    assert japanese == "地方公共団体の検索"
    page.wait_for_function(
        "text => document.fonts.check('16px \"Noto Sans JP\"', text)", arg=japanese
    )
    # Every glyph of the summary was drawn by the web font (whose own name is "Noto Sans JP
    # Thin", the variable font fontsource ships), none by a system fallback.
    summary.evaluate("node => node.setAttribute('data-font-probe', '')")
    fonts = rendered_fonts(page, "[data-font-probe]")
    assert drawn_in_noto_sans_jp(fonts), fonts
    assert sum(fonts.values()) >= len(text.replace(" ", "")), fonts

    # The API's description (Markdown, Japanese first) too.
    description = page.locator(".info .description").first
    assert "窓口" in description.inner_text()
    description.evaluate("node => node.setAttribute('data-font-probe-2', '')")
    fonts = rendered_fonts(page, "[data-font-probe-2] p")
    assert drawn_in_noto_sans_jp(fonts), fonts

    assert page.evaluate("document.documentElement.lang") == "ja"
    page.screenshot(path="/tmp/madoguchi-api-docs.png")
    assert page.csp_violations == []
