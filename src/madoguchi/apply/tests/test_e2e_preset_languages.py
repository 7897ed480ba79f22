"""Two newly translated presets, every page, in English and やさしい日本語 at 360 px (issue 16):
保育施設等利用申込書 (the longest labels and options) and 自動車保管場所証明申請書 (a prefecture's
form). axe-core (WCAG 2.2 A/AA) finds nothing, nothing is wider than the phone, no text is left
in Japanese (marked), and each page is saved in var/test-artefacts/ to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from madoguchi.applications.services import application_draft_create
from madoguchi.apply.tests.conftest import publish
from madoguchi.apply.tests.test_e2e_journey import live  # noqa: F401 - the fixture
from madoguchi.apply.tests.test_e2e_languages import phone, sign_in_by_ids
from madoguchi.core.testing import AXE_TAGS_22, axe_violations, format_violations
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artefacts"
FORMS = [("childcare-admission", "131016"), ("vehicle-garage-certificate", "130001")]


@pytest.mark.parametrize("language", ["en", "ja-x-easy"])
def test_two_translated_presets_page_by_page(live, browser, language):  # noqa: F811
    taro = demo_resident("yoshida-taro")
    context = phone(browser, live, language)
    page = context.new_page()
    try:
        for code, municipality in FORMS:
            version = publish(code, municipality)
            draft = application_draft_create(form_version=version, resident=taro)
            page.goto(f"{live}/apply/start/{version.pk}/")
            if page.locator("#id_resident").count():
                sign_in_by_ids(page)
            urls = [f"/apply/{draft.public_id}/{p['id']}/" for p in version.definition["pages"]]
            for number, url in enumerate([*urls, f"/apply/{draft.public_id}/check/"], 1):
                page.goto(f"{live}{url}")
                expect(page.locator("html")).to_have_attribute("lang", language)
                name = f"preset-{language}-{code}-{number}"
                violations = axe_violations(page, AXE_TAGS_22)
                assert violations == [], f"{name}: {format_violations(violations)}"
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
                main = page.locator("main").inner_text()
                assert "(in Japanese only)" not in main, name
                ARTEFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
