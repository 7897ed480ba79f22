"""The whole run in headless Chromium (resident pages at 360 px, axe-clean, screenshots):
staff create a campaign → compute → push → the notice is in My page (and an e-mail went out)
→ the resident confirms in two taps with the 公金受取口座 → a case worker batches, a second
person approves → the transfer file is downloaded and parses back."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from madoguchi.accounts.models import Resident
from madoguchi.apply.tests.test_e2e_journey import TARO, idp_sign_in
from madoguchi.campaigns.models import Campaign, Entitlement
from madoguchi.campaigns.types import EntitlementState
from madoguchi.core import zengin
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.idp import testing
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.publicfunds.testing import account_for
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident
from madoguchi.vaccinations.tests.test_e2e import staff_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check(page: Any, name: str, *, phone: bool = True) -> None:
    violations = axe_violations(page)
    page.screenshot(path=f"/tmp/madoguchi-campaigns-{name}.png", full_page=True)
    assert violations == [], f"{name}: {format_violations(violations)}"
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    assert page.csp_violations == [], page.csp_violations


@pytest.fixture
def live(live_server, pki, settings) -> str:
    linkage_demo_load()
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return str(live_server.url)


def staff_page(browser: Any, live: str, username: str, path: str) -> Any:
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    staff_sign_in(page, live, username, path)
    return page


def test_create_push_confirm_approve_and_download(live, page, browser):
    taro = demo_resident("yoshida-taro")
    Resident.objects.filter(pk=taro.pk).update(email="taro@example.jp")
    account_for(taro, signed=True)  # 公金受取口座, registered with the card

    # 1. The municipal admin defines the benefit (an error first, at its field).
    admin = staff_page(browser, live, "chiyoda-admin", "/staff/campaigns/new/")
    admin.get_by_label("給付事業の名称").fill("物価高騰対策給付金")
    admin.get_by_label("基準日").fill("2026-01-01")
    admin.get_by_label("1世帯あたりの額（円）").fill("30000")
    admin.get_by_label("子ども1人あたりの加算額（円）").fill("20000")
    admin.get_by_label("確認の受付開始日").fill("2026-01-01")
    admin.get_by_label("確認の受付終了日").fill("2025-12-31")
    admin.get_by_role("button", name="保存する").click()
    expect(admin.locator(".field__error")).to_contain_text("受付終了日は受付開始日以降")
    check(admin, "staff-new-error", phone=False)
    admin.get_by_label("確認の受付終了日").fill("2027-03-31")
    admin.get_by_role("button", name="保存する").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("物価高騰対策給付金")

    # 2. Compute (the job runs at once with the test task backend) and push.
    admin.get_by_role("button", name="対象世帯を算定する").click()
    expect(admin.locator("#counts + .camp-scroll td").first).to_have_text("6")
    admin.get_by_role("button", name="お知らせを送る（以後は変更できません）").click()
    expect(admin.locator("#counts + .camp-scroll td").nth(1)).to_have_text("6")
    check(admin, "staff-pushed", phone=False)
    campaign = Campaign.objects.get()
    assert any(
        "taro@example.jp" in m.to and "物価高騰対策給付金" in m.subject for m in mail.outbox
    ), [m.subject for m in mail.outbox]

    # 3. The resident finds the notice on My page and confirms in two taps.
    page.goto(f"{live}/apply/mypage/")
    idp_sign_in(page, TARO)
    page.goto(f"{live}/apply/mypage/")
    check(page, "mypage")
    page.locator('a[href="/apply/mypage/notices/"]').first.click()
    page.get_by_role("link", name="物価高騰対策給付金", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("70,000")
    check(page, "notice")
    page.get_by_role("link", name="このお知らせのページへ", exact=False).click()
    expect(page.get_by_role("heading", name="確認書")).to_be_visible()
    check(page, "confirmation")
    page.get_by_role("link", name="この口座で受け取る").click()  # tap 1
    check(page, "sign")
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して確認する").click()  # tap 2
    expect(page.get_by_role("heading", name="確認済み")).to_be_visible()
    check(page, "confirmed")
    entitlement = Entitlement.objects.get(campaign=campaign, household_id=taro.household_id)
    assert entitlement.state == EntitlementState.CONFIRMED

    # 4. A case worker batches; she cannot approve her own batch; the admin approves it.
    worker = staff_page(browser, live, "chiyoda-worker", f"/staff/campaigns/{campaign.public_id}/")
    worker.get_by_role("button", name="確認済みの世帯を承認待ちにする").click()
    expect(worker.get_by_text("別の職員の承認待ち")).to_be_visible()
    admin.reload()
    admin.get_by_role("button", name="承認を確定する（2人目）").click()
    expect(admin.get_by_text("1世帯を承認しました。")).to_be_visible()

    # 5. The worker makes the transfer file and downloads it.
    worker.reload()
    worker.get_by_label("振込指定日").fill("2026-02-20")
    worker.get_by_label("委託者コード（10桁）").fill("1310160001")
    worker.get_by_label("委託者名（カナ）").fill("チヨダク")
    worker.get_by_label("金融機関コード（4桁）").fill("0001")
    worker.get_by_label("支店コード（3桁）").fill("001")
    worker.get_by_label("口座番号（7桁）").fill("7654321")
    worker.get_by_role("button", name="承認済みの世帯の振込ファイルを作成").click()
    check(worker, "staff-file", phone=False)
    with worker.expect_download() as download:
        worker.get_by_role("link", name="2026-02-20振込", exact=False).click()
    data = Path(download.value.path()).read_bytes()
    items = list(zengin.parse_transfer_file(io.BytesIO(data), year=2026))
    records = [i for i in items if isinstance(i, zengin.TransferRecord)]
    assert [(r.amount, r.customer_code) for r in records] == [(70000, entitlement.customer_code)]
    worker.context.close()
    admin.context.close()
