"""Two of the translated presets in English and やさしい日本語, in headless Chromium at 360 px.

介護保険負担限度額認定 (long English options, amounts in yen) and 転出届 (a repeated group, a
proxy): on the procedure page and on every page of the form, axe-core (WCAG 2.2 AA) finds
nothing, nothing is wider than the phone, no text is left in Japanese, and no line breaks inside
a word — easy Japanese breaks only at the spaces between its phrases, and an official term
beside its English ("Care provider number (介護保険事業所番号)") is not cut in two.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from madoguchi.applications.services import application_draft_create
from madoguchi.apply.tests.conftest import publish
from madoguchi.apply.tests.test_e2e_journey import live  # noqa: F401 - the fixture
from madoguchi.apply.tests.test_e2e_languages import check, phone, sign_in_by_ids
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PRESETS = ["care-cost-limit", "moving-out-notification"]

# Each place in <main> where a line of text breaks although neither a space nor punctuation is
# there: a word cut in two. The edge of a furigana word (<ruby>, one word of the analyser) is a
# word boundary too: 「地域／包括支援センター」 may break there. Furigana (<rt>), hidden text and
# Japanese fragments (lang="ja", written without spaces, which may break anywhere) are left out.
# A space collapses at the end of a line, so "a space since the last character" is remembered.
BREAKS_INSIDE_WORDS = """() => {
  const BREAK_AFTER = /[、。，．）」』・：:;,.!?\\/\\-–—]/;
  const BREAK_BEFORE = /[（「『(]/;
  const INLINE = /^(inline|ruby|ruby-base|ruby-text|contents)$/;
  const blockOf = (el) => {
    while (el && INLINE.test(getComputedStyle(el).display)) el = el.parentElement;
    return el;
  };
  const skip = 'rt, rp, [lang="ja"], [aria-hidden="true"], .visually-hidden, select, textarea';
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const found = [];
  let prev = null, space = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    const block = blockOf(node.parentElement);
    const ruby = node.parentElement.closest("ruby");
    for (let i = 0; i < node.data.length; i++) {
      const ch = node.data[i];
      if (/[\\s\\u3000]/.test(ch)) { space = true; continue; }
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect || rect.width === 0) continue;
      if (prev && prev.block === block && rect.top > prev.top + 8 && !space && prev.ruby === ruby
          && !BREAK_AFTER.test(prev.ch) && !BREAK_BEFORE.test(ch)) {
        found.push(prev.text.slice(-12) + "|" + node.data.slice(i, i + 12));
      }
      prev = {block, ruby, top: rect.top, ch, text: node.data.slice(0, i + 1)};
      space = false;
    }
  }
  return found;
}"""


def reads_well(page: Any, language: str, name: str) -> None:
    with override(language):
        mark = gettext("(in Japanese only)")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert mark not in page.locator("main").inner_text(), name
    assert page.evaluate(BREAKS_INSIDE_WORDS) == [], name
    check(page, name)  # axe-core WCAG 2.2 AA, 360 px wide, screenshot in var/test-artefacts


@pytest.mark.parametrize("language", ["en", "ja-x-easy"])
def test_translated_presets_read_well_on_a_phone(live, browser, language):  # noqa: F811
    taro = demo_resident("yoshida-taro")
    versions = {code: publish(code) for code in PRESETS}
    drafts = {
        code: application_draft_create(form_version=version, resident=taro)
        for code, version in versions.items()
    }
    context = phone(browser, live, language)
    page = context.new_page()
    try:
        page.goto(f"{live}/apply/start/{versions[PRESETS[0]].pk}/")
        sign_in_by_ids(page)
        for code, version in versions.items():
            page.goto(f"{live}/procedures/{code}/?municipality=131016")
            reads_well(page, language, f"{language}-{code}-procedure")
            for form_page in version.definition["pages"]:
                page.goto(f"{live}/apply/{drafts[code].public_id}/{form_page['id']}/")
                reads_well(page, language, f"{language}-{code}-{form_page['id']}")
            page.goto(f"{live}/apply/{drafts[code].public_id}/check/")
            reads_well(page, language, f"{language}-{code}-check")
    finally:
        context.close()
