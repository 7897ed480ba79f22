"""お知らせ in headless Chromium at 360 px, in the three languages (the pages have no script: the
Django test client walks them in test_notices.py): My page's
badge → the inbox → the notice (marked read) → the badge is gone; axe finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from madoguchi.apply.tests.test_e2e_journey import live  # noqa: F401 - the fixture
from madoguchi.apply.tests.test_e2e_languages import check, phone, sign_in_by_ids
from madoguchi.notices import selectors as notice_selectors
from madoguchi.notices import services as notice_services
from madoguchi.signatures.testing import demo_resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ja", "en", "ja-x-easy"])
def test_inbox_then_read(live: str, browser: Any, language: str) -> None:  # noqa: F811
    taro = demo_resident("yoshida-taro")
    for n in range(3):
        notice_services.notice_send(
            resident_id=taro.pk,
            municipality_id="131016",
            template="applications.arrival_refused",
            context={"number": f"A1B2-C3D4-E5F{n}", "reason": "署名用電子証明書が失効しています。"},
            dedupe_key=f"e2e-{language}-{n}",
            link="/apply/mypage/",
            email=False,
        )
    newest = notice_selectors.inbox(taro.pk).first()
    assert newest is not None
    context = phone(browser, live, language)
    page = context.new_page()
    try:
        page.goto(f"{live}/apply/mypage/")
        sign_in_by_ids(page)
        page.goto(f"{live}/apply/mypage/")
        badge = page.locator(".badge").first
        expect(badge).to_contain_text("3")
        check(page, f"notices-{language}-mypage")
        page.locator('a[href="/apply/mypage/notices/"]').first.click()
        expect(page.locator(".notice-list__item--unread")).to_have_count(3)
        check(page, f"notices-{language}-inbox")
        page.locator(f'a[href="/apply/mypage/notices/{newest.pk}/"]').click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("A1B2-C3D4-E5F2")
        check(page, f"notices-{language}-notice")
        page.locator('a[href="/apply/mypage/notices/"]').last.click()
        expect(page.locator(".notice-list__item--unread")).to_have_count(2)
        assert notice_selectors.unread_count(taro.pk) == 2
        page.goto(f"{live}/apply/mypage/")
        expect(page.locator(".badge").first).to_contain_text("2")
    finally:
        context.close()
