"""The resident's journey in three languages and WCAG 2.2 AA (issue 16), in headless Chromium.

- axe-core (WCAG 2.0–2.2 A/AA, target size 2.5.8 included) finds nothing on every resident page
  in 日本語, English and やさしい日本語 at 360 px;
- the keyboard alone completes an application in English, switching language on the way;
- 2.4.11 focus not obscured, 3.3.7 redundant entry, 3.3.8 accessible authentication (a PIN may
  be pasted), 3.2.6 consistent help: one test each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from madoguchi.applications.models import Application
from madoguchi.applications.services import application_draft_create, application_status_change
from madoguchi.applications.testing import arrival_worker
from madoguchi.applications.types import Status
from madoguchi.apply.tests.journey import JPEG
from madoguchi.apply.tests.test_e2e_journey import live  # noqa: F401 - the fixture
from madoguchi.apply.tests.test_e2e_keyboard import (
    NEXT,
    activate,
    choose,
    pick_radio,
    press_space_on,
    submit_with_enter,
    tab_to,
    type_into,
)
from madoguchi.apply.tests.test_pdf import submitted
from madoguchi.core.testing import AXE_TAGS_22, axe_violations, format_violations
from madoguchi.forms import presets
from madoguchi.forms.selectors import published_form_version_for
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artefacts"
LANGUAGES = ["ja", "en", "ja-x-easy"]


def phone(browser: Any, live_url: str, language: str, **options: Any) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="ja-JP", **options)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    return context


def sign_in_by_ids(page: Any, resident_hint: str = "太郎") -> None:
    label = page.eval_on_selector(
        "#id_resident",
        "(s, hint) => [...s.options].find(o => o.text.includes(hint)).text",
        resident_hint,
    )
    page.locator("#id_resident").select_option(label=label)
    page.locator("#id_pin").fill("1234")
    with page.expect_navigation(wait_until="load"):
        page.locator("#id_pin").press("Enter")


def check(page: Any, name: str) -> None:
    violations = axe_violations(page, AXE_TAGS_22)
    assert violations == [], f"{name}: {format_violations(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_resident_page_in_each_language_has_no_axe_violation(live, browser, language):  # noqa: F811
    taro = demo_resident("yoshida-taro")
    version = published_form_version_for(
        municipality_code="131016", procedure_code="disaster-certificate"
    )
    preset = presets.preset_get("disaster-certificate")
    assert version is not None and preset is not None
    draft = application_draft_create(form_version=version, resident=taro)
    returned = submitted(version, taro, preset.samples[0])
    application_status_change(
        application=returned, to_status=Status.RETURNED, actor=None, message="写真が不鮮明です。"
    )
    received = submitted(version, taro, preset.samples[0])
    context = phone(browser, live, language)
    page = context.new_page()
    try:
        for name, url in [
            ("home", "/"),
            ("search", "/procedures/?q=disaster"),
            ("procedure", "/procedures/disaster-certificate/?municipality=131016"),
            ("municipalities", "/search/municipalities/?q=ちよだ"),
        ]:
            page.goto(f"{live}{url}")
            check(page, f"{language}-{name}")
        page.goto(f"{live}/apply/start/{version.pk}/")
        check(page, f"{language}-idp-sign-in")
        sign_in_by_ids(page)
        check(page, f"{language}-start")
        pages = [p["id"] for p in version.definition["pages"]]
        urls = [(f"page-{p}", f"/apply/{draft.public_id}/{p}/") for p in pages] + [
            ("check", f"/apply/{draft.public_id}/check/"),
            ("delete", f"/apply/{draft.public_id}/delete/"),
            ("mypage", "/apply/mypage/"),
            ("status", f"/apply/{returned.public_id}/status/"),
            ("sign", f"/apply/{returned.public_id}/sign/"),
            ("receipt", f"/apply/{received.public_id}/receipt/"),
            ("withdraw", f"/apply/{received.public_id}/withdraw/"),
            ("signin-status", "/signin/me/"),
        ]
        for name, url in urls:
            page.goto(f"{live}{url}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            check(page, f"{language}-{name}")
        # The error summary of an empty required page.
        page.goto(f"{live}/apply/{draft.public_id}/disaster/")
        page.locator(NEXT).click()
        expect(page.get_by_role("alert")).to_be_visible()
        check(page, f"{language}-page-error")
    finally:
        context.close()


def test_the_keyboard_alone_completes_an_application_in_english(live, browser):  # noqa: F811
    context = phone(browser, live, "ja", java_script_enabled=False)
    page = context.new_page()
    page.on("filechooser", lambda _chooser: None)
    try:
        page.goto(f"{live}/procedures/disaster-certificate/?municipality=131016")
        # The switch, by keyboard: the same page comes back in English.
        activate(page, "button.language-switch__button[value=en]")
        assert page.url.endswith("/procedures/disaster-certificate/?municipality=131016")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        activate(page, "a.button[href^='/apply/start/']")

        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm who you are")
        label = page.eval_on_selector(
            "#id_resident", "s => [...s.options].find(o => o.text.includes('健')).text"
        )
        choose(page, "#id_resident", label)
        type_into(page, "#id_pin", "1234")
        submit_with_enter(page)

        activate(page, "form.apply-start button")
        expect(page.get_by_text("Applicant's full name")).to_be_visible()
        type_into(page, "#f-applicant-phone", "03-5555-0101")
        press_space_on(page, "#f-disaster-applicant_relation-householder")
        activate(page, NEXT)

        expect(page.get_by_role("heading", level=1)).to_contain_text("The damage")
        type_into(page, "#f-disaster-location-postal_code", "100-0014")
        type_into(page, "#f-disaster-location-address", "東京都千代田区永田町一丁目7番1号")
        choose(page, "#f-disaster-date-era", "令和")
        type_into(page, "#f-disaster-date-year", "7")
        type_into(page, "#f-disaster-date-month", "2")
        type_into(page, "#f-disaster-date-day", "3")
        choose(page, "#f-disaster-cause", "Earthquake")
        press_space_on(page, "#f-disaster-building_use-dwelling")
        pick_radio(page, "disaster.damage_level", "half")
        type_into(page, "#f-disaster-damage_description", "The outer wall collapsed.")
        press_space_on(page, "#f-disaster-occupancy-owned")
        activate(page, NEXT)

        expect(page.get_by_role("heading", level=1)).to_contain_text("Household")
        activate(page, NEXT)
        type_into(page, "#f-certificate-copies", "1")
        pick_radio(page, "certificate.delivery", "counter")
        activate(page, NEXT)

        expect(page.locator("#f-attachments-photos")).to_be_attached()
        tab_to(page, "#f-attachments-photos")
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(
            files=[{"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
        )
        activate(page, NEXT)
        press_space_on(page, "#f-declaration-truth")
        activate(page, NEXT)

        expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
        expect(page.locator("main")).to_contain_text("Earthquake")
        activate(page, "a[href$='/sign/']")
        type_into(page, "#id_pin", DEMO_SIGN_PIN)
        submit_with_enter(page)

        # Arrival first; the page turns into the receipt once a worker examined it.
        expect(page.get_by_role("heading", level=1)).to_have_text("Your application has arrived")
        with arrival_worker():
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Your application has been received", timeout=20_000
            )
        application = Application.objects.get()
        assert application.status == Status.SUBMITTED
        # Language-neutral data: the same codes and ISO date a Japanese resident would send.
        assert application.answers["disaster.cause"] == "earthquake"
        assert application.answers["disaster.date"] == "2025-02-03"
        assert application.answers["certificate.delivery"] == "counter"
    finally:
        context.close()


def test_focus_is_never_hidden_behind_anything(live, browser):  # noqa: F811
    """2.4.11: every element Tab reaches is at least partly visible, not under the header."""
    context = phone(browser, live, "en")
    page = context.new_page()
    try:
        page.goto(f"{live}/procedures/disaster-certificate/?municipality=131016")
        seen = 0
        for _ in range(40):
            page.keyboard.press("Tab")
            state = page.evaluate(
                """() => {
                  const el = document.activeElement;
                  if (!el || el === document.body) return null;
                  const r = el.getBoundingClientRect();
                  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
                  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
                  const top = document.elementFromPoint(x, y);
                  return {inView: r.bottom > 0 && r.top < innerHeight && r.width > 0,
                          onTop: !!top && (el === top || el.contains(top) || top.contains(el)),
                          what: el.outerHTML.slice(0, 80)};
                }"""
            )
            if state is None:
                continue
            seen += 1
            assert state["inView"] and state["onTop"], state["what"]
        assert seen >= 10
    finally:
        context.close()


def test_the_signing_pin_may_be_pasted_and_there_is_no_puzzle(live, browser):  # noqa: F811
    """3.3.8: a password manager or the clipboard may fill the PIN; no CAPTCHA on the way."""
    taro = demo_resident("yoshida-taro")
    version = published_form_version_for(
        municipality_code="131016", procedure_code="disaster-certificate"
    )
    preset = presets.preset_get("disaster-certificate")
    assert version is not None and preset is not None
    draft = application_draft_create(form_version=version, resident=taro, answers=preset.samples[0])
    context = phone(browser, live, "en")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live)
    page = context.new_page()
    try:
        page.goto(f"{live}/apply/{draft.public_id}/sign/")
        sign_in_by_ids(page)
        page.goto(f"{live}/apply/{draft.public_id}/sign/")
        assert page.locator("iframe, [class*=captcha], [id*=captcha]").count() == 0
        page.evaluate("pin => navigator.clipboard.writeText(pin)", DEMO_SIGN_PIN)
        page.locator("#id_pin").focus()
        page.keyboard.press("Control+V")
        expect(page.locator("#id_pin")).to_have_value(DEMO_SIGN_PIN)
        with page.expect_navigation(wait_until="load"):
            page.locator("#id_pin").press("Enter")
        # Arrival first; the page turns into the receipt once a worker examined it.
        expect(page.get_by_role("heading", level=1)).to_have_text("Your application has arrived")
        with arrival_worker():
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Your application has been received", timeout=20_000
            )
    finally:
        context.close()


def test_help_is_in_the_same_place_on_every_page(live, browser):  # noqa: F811
    """3.2.6: the header (menu, language switch) and footer links come in the same order."""
    context = phone(browser, live, "en")
    page = context.new_page()
    try:
        orders = []
        for url in [
            "/",
            "/procedures/",
            "/procedures/disaster-certificate/",
            "/search/municipalities/",
        ]:
            page.goto(f"{live}{url}")
            orders.append(
                page.eval_on_selector_all(
                    ".language-switch button, .language-switch [aria-current], "
                    ".site-nav--folded a, .site-footer a",
                    "els => els.map(e => e.getAttribute('href') || e.getAttribute('lang'))",
                )
            )
        assert all(order == orders[0] for order in orders), orders
        assert "/procedures/" in orders[0]
    finally:
        context.close()


def test_what_was_entered_is_offered_again(live, browser):  # noqa: F811
    """3.3.7: the applicant's details come from the sign-in, and a page visited again shows
    what was saved on it; nothing is asked twice."""
    version = published_form_version_for(
        municipality_code="131016", procedure_code="disaster-certificate"
    )
    assert version is not None
    context = phone(browser, live, "en")
    page = context.new_page()
    try:
        page.goto(f"{live}/apply/start/{version.pk}/")
        sign_in_by_ids(page)
        page.locator("form.apply-start button").click()
        expect(page.locator("#f-applicant-name-family")).to_have_value("𠮷田")
        page.locator("#f-applicant-phone").fill("03-1234-5678")
        page.locator("#f-disaster-applicant_relation-householder").check()
        page.locator(NEXT).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("The damage")
        page.go_back()
        page.reload()
        expect(page.locator("#f-applicant-phone")).to_have_value("03-1234-5678")
    finally:
        context.close()
