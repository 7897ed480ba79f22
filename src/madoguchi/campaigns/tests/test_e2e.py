"""The whole run in headless Chromium (resident pages at 360 px, axe-clean, screenshots): the
resident registers a 公金受取口座 on its pages (signed with the card) → staff create a campaign
→ compute → push → one flagged household (moved out after the 基準日) is refused on the flags
page, with its reason → the notice is in My page (and an e-mail went out) → the resident
confirms in two taps with the 公金受取口座 → a case worker batches, a second person approves →
the transfer file is downloaded and parses back record by record."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from madoguchi.accounts.models import Resident
from madoguchi.apply.tests.test_e2e_journey import TARO, idp_sign_in
from madoguchi.campaigns.models import Campaign, Entitlement
from madoguchi.campaigns.types import Decision, EntitlementState, Flag
from madoguchi.core import zengin
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.idp import testing
from madoguchi.linkage.services import linkage_demo_load, residency_set
from madoguchi.notices import selectors as notice_selectors
from madoguchi.publicfunds import selectors as funds_selectors
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
    # 佐藤 次郎 moved out after the 基準日 (the registry's record): his household is flagged.
    sato = demo_resident("sato-jiro")
    residency_set(resident_id=sato.pk, moved_out_on=datetime.date(2026, 2, 1))

    # 0. The resident registers the 公金受取口座 on its pages and signs it with the card.
    page.goto(f"{live}/apply/mypage/")
    idp_sign_in(page, TARO)
    page.get_by_role("link", name="公金受取口座").click()
    page.get_by_role("link", name="口座を登録する").click()
    page.get_by_label("金融機関", exact=True).fill("0001")
    page.get_by_label("支店", exact=True).fill("001")
    page.get_by_label("口座番号").fill("1234567")
    page.get_by_role("button", name="次へ（確認と署名）").click()
    expect(page.get_by_text("ヨシダ タロウ")).to_be_visible()
    check(page, "funds-sign")
    page.get_by_label("署名用電子証明書の暗証番号（英数字6〜16桁）").fill(DEMO_SIGN_PIN)
    page.get_by_role("button", name="署名して登録する").click()
    expect(page.get_by_text("公金受取口座を登録しました。")).to_be_visible()
    check(page, "funds-registered")
    assert funds_selectors.account_for_resident(taro.pk) is not None

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

    # 2b. The flagged household, refused on the flags page (the reason is required).
    admin.get_by_role("link", name="要確認世帯を1件ずつ判断する").click()
    expect(admin.get_by_text("2026-02-01")).to_be_visible()
    admin.get_by_role("radio", name="支給しない").check()
    admin.get_by_role("button", name="判断を保存する").click()
    expect(admin.locator(".field__error")).to_contain_text("支給しない理由を入力してください。")
    check(admin, "staff-flags-error", phone=False)
    admin.get_by_label("理由（支給しないときは必須。世帯にお知らせします）").fill("基準日後に転出")
    admin.get_by_role("button", name="判断を保存する").click()
    expect(admin.get_by_text("判断を保存しました。")).to_be_visible()
    check(admin, "staff-flags", phone=False)
    flagged = Entitlement.objects.get(campaign=campaign, household_id=sato.household_id)
    assert (flagged.flag, flagged.decision) == (Flag.MOVED_OUT, Decision.REFUSE)
    assert notice_selectors.inbox(sato.pk).filter(template="campaigns.refused").exists()
    admin.get_by_role("link", name="給付事業へ戻る").click()
    assert any(
        "taro@example.jp" in m.to and "物価高騰対策給付金" in m.subject for m in mail.outbox
    ), [m.subject for m in mail.outbox]

    # 3. The resident finds the notice on My page and confirms in two taps.
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
    assert [(r.bank_code, r.branch_code, r.account_number) for r in records] == [
        ("0001", "001", "1234567")
    ]
    trailer = next(i for i in items if isinstance(i, zengin.TransferTrailer))
    assert (trailer.count, trailer.amount) == (1, 70000)
    worker.context.close()
    admin.context.close()
