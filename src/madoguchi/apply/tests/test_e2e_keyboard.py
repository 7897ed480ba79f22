"""The whole journey with the keyboard alone and JavaScript disabled (a phone's reader mode, a
switch device, a locked-down browser): Tab to move, Space to choose, Enter to go."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from madoguchi.applications.models import Application
from madoguchi.applications.testing import arrival_worker
from madoguchi.applications.types import Status
from madoguchi.apply.tests.journey import JPEG
from madoguchi.apply.tests.test_e2e_journey import live  # noqa: F401 - the fixture
from madoguchi.signatures.services import DEMO_SIGN_PIN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEN = "葛\U000e0100城\u3000健（1978年3月15日生まれ）"


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the element is focused (in document order from where focus is)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page: Any, selector: str, label: str) -> None:
    """A <select> by the keyboard: arrow down until the option shows."""
    tab_to(page, selector)
    select = page.locator(selector)
    for _ in range(40):
        if select.evaluate("s => s.options[s.selectedIndex].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label} in {selector}")


def press_space_on(page: Any, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")


def pick_radio(page: Any, name: str, value: str, limit: int = 120) -> None:
    """A radio group is one Tab stop: Tab into it, Space takes the focused option, arrow keys
    move to (and choose) the others."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("n => document.activeElement.name === n", name):
            break
    else:
        raise AssertionError(f"Tab never reached the radio group {name}")
    page.keyboard.press("Space")
    target = page.locator(f"input[name='{name}'][value='{value}']")
    for _ in range(20):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value} in {name}")


def activate(page: Any, selector: str) -> None:
    """Enter on a link or submit button, and wait until the next page has loaded: Tab presses
    sent while the old page is still shown would land there (and be lost) on a busy machine."""
    tab_to(page, selector)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def submit_with_enter(page: Any) -> None:
    """Enter in a text field submits its form; wait for the page that answers."""
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


NEXT = "button[value=next]:not(.visually-hidden)"


def test_the_whole_journey_with_the_keyboard_alone_and_no_javascript(live, browser):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    # Playwright turns on file-chooser interception in the browser when the first listener is
    # added, asynchronously: registered only around the key press, a busy machine can open the
    # chooser before interception is on and the event never comes. Listen from the start.
    page.on("filechooser", lambda _chooser: None)
    try:
        page.goto(f"{live}/procedures/disaster-certificate/?municipality=131016")
        activate(page, "a.button[href^='/apply/start/']")

        # The development IdP's sign-in page, by keyboard.
        expect(page.get_by_role("heading", level=1)).to_have_text("本人確認")
        choose(page, "#id_resident", KEN)
        type_into(page, "#id_pin", "1234")
        submit_with_enter(page)

        expect(page.get_by_role("heading", level=1)).to_have_text("罹災証明書の発行申請")
        activate(page, "form.apply-start button")

        expect(page.locator("#f-applicant-name-family")).to_have_value("葛\U000e0100城")
        type_into(page, "#f-applicant-phone", "03-5555-0101")
        press_space_on(page, "#f-disaster-applicant_relation-householder")
        activate(page, NEXT)

        type_into(page, "#f-disaster-location-postal_code", "100-0014")
        type_into(page, "#f-disaster-location-address", "東京都千代田区永田町一丁目7番1号")
        choose(page, "#f-disaster-date-era", "令和")
        type_into(page, "#f-disaster-date-year", "7")
        type_into(page, "#f-disaster-date-month", "2")
        type_into(page, "#f-disaster-date-day", "3")
        choose(page, "#f-disaster-cause", "地震")
        press_space_on(page, "#f-disaster-building_use-dwelling")
        pick_radio(page, "disaster.damage_level", "half")
        type_into(page, "#f-disaster-damage_description", "地震で外壁が崩れた。")
        press_space_on(page, "#f-disaster-occupancy-owned")
        activate(page, NEXT)

        expect(page.get_by_role("heading", level=1)).to_have_text("世帯")
        activate(page, NEXT)

        type_into(page, "#f-certificate-copies", "1")
        pick_radio(page, "certificate.delivery", "counter")
        activate(page, NEXT)

        # The upload input must be on the page and focused before Space opens the chooser.
        expect(page.locator("#f-attachments-photos")).to_be_attached()
        tab_to(page, "#f-attachments-photos")
        expect(page.locator("#f-attachments-photos")).to_be_focused()
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(
            files=[{"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
        )
        assert page.locator("#f-attachments-photos").evaluate("el => el.files.length") == 1
        activate(page, NEXT)

        press_space_on(page, "#f-declaration-truth")
        activate(page, NEXT)

        expect(page.get_by_role("heading", level=1)).to_have_text("入力内容の確認")
        expect(page.get_by_text("wall.jpg", exact=True)).to_be_visible()
        activate(page, "a[href$='/sign/']")

        type_into(page, "#id_pin", DEMO_SIGN_PIN)
        submit_with_enter(page)

        # 到達 first; once a worker examined it, the page reloads itself into the receipt.
        expect(page.get_by_role("heading", level=1)).to_have_text("申請が到達しました")
        with arrival_worker():
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "申請を受け付けました", timeout=20_000
            )
        application = Application.objects.get()
        assert application.status == Status.SUBMITTED
        assert application.answers["applicant.name"]["family"] == "葛\U000e0100城"
        number = application.receipt_display
        expect(page.locator(".receipt-panel__number")).to_have_text(number)

        with page.expect_download() as download:
            tab_to(page, "a[href$='/copy.pdf']")  # a download: no page to wait for
            page.keyboard.press("Enter")
        text = "".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages
        )
        assert number in text and "葛\U000e0100城" in text

        activate(page, ".apply-links a[href='/apply/mypage/']")
        expect(page.get_by_text(number, exact=True)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
