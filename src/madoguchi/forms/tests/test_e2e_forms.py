"""A form editor of 千代田区 adopts, customises and publishes 罹災証明書 in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.core.testing import axe_violations, format_violations
from madoguchi.forms.models import FormVersion
from madoguchi.reception.testing import staff_device, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _accessible(page, name: str) -> None:
    violations = axe_violations(page)
    page.screenshot(path=f"/tmp/madoguchi-forms-{name}.png", full_page=True)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name


def test_editor_adopts_customises_and_publishes_disaster_certificate(live_server, page, demo):
    # The editor's authenticator app (the demo key; see docs/reception.md), set up beforehand.
    device = staff_device(User.objects.get(username="chiyoda-editor"))
    page.goto(live_server.url + "/staff/login/?next=/staff/forms/")
    page.get_by_label("ユーザー名").fill("chiyoda-editor")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()
    expect(page.get_by_role("heading", name="様式", exact=True)).to_be_visible()
    _accessible(page, "list")

    page.get_by_role("button", name=re.compile(r"^採用する\s*:\s*罹災証明書の発行申請$")).click()
    expect(page.get_by_text("標準様式を採用しました")).to_be_visible()
    _accessible(page, "detail")

    page.get_by_role("link", name=re.compile(r"^変更\s*:\s*被災日$")).click()
    _accessible(page, "item-edit")
    page.get_by_label("項目名").fill("被災した日（わかる範囲で）")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("下書きを保存しました")).to_be_visible()

    page.get_by_role("link", name="項目を追加する").click()
    page.get_by_label("項目コード").fill("parking")
    page.get_by_label("回答の種類").select_option("radio")
    page.get_by_label("項目名").fill("駐車場・車両の被害はありますか")
    page.get_by_role("checkbox", name="必須").check()
    page.get_by_role("button", name="保存する").click()
    # The page says what is missing, at the field; nothing typed is lost.
    expect(page.get_by_role("alert")).to_be_visible()
    _accessible(page, "item-add-error")
    assert page.get_by_label("項目名").input_value() == "駐車場・車両の被害はありますか"
    page.get_by_label("ページ").select_option("disaster")
    page.get_by_label("選択肢", exact=True).fill("ある\nない")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("下書きに項目を追加しました")).to_be_visible()

    page.get_by_role("link", name="住民の見え方で確認する").click()
    expect(page.get_by_text("駐車場・車両の被害はありますか")).to_be_visible()
    _accessible(page, "preview")
    page.go_back()

    page.get_by_role("button", name="公開する").click()
    expect(page.get_by_text("第1版として公開しました")).to_be_visible()
    version = FormVersion.objects.get()
    published_hash = version.content_hash

    page.goto(f"{live_server.url}/forms/{version.pk}/")
    expect(page.get_by_text("被災した日（わかる範囲で）").first).to_be_visible()
    expect(page.get_by_text("駐車場・車両の被害はありますか")).to_be_visible()
    _accessible(page, "resident")
    page.get_by_role("button", name="入力内容を確認する").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _accessible(page, "resident-errors")
    page.get_by_role("link", name="申請者の氏名：「申請者の氏名」を入力してください。").click()
    assert page.evaluate("document.activeElement.id") == "f-applicant-name-family"
    assert page.csp_violations == []

    # Editing the draft again leaves the published version and its hash as they were.
    page.goto(f"{live_server.url}/staff/forms/131016/disaster-certificate/")
    page.get_by_role("link", name=re.compile(r"^変更\s*:\s*罹災原因$")).click()
    page.get_by_label("項目名").fill("災害の種類")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("まだ公開していない変更があります")).to_be_visible()
    stored = FormVersion.objects.get(pk=version.pk)
    assert stored.content_hash == published_hash and stored.hash_is_intact()
    page.goto(f"{live_server.url}/forms/{version.pk}/")
    expect(page.get_by_text("罹災原因").first).to_be_visible()
    assert page.get_by_text("災害の種類").count() == 0
