from __future__ import annotations

import hashlib
import re

import pytest

from madoguchi.applications.models import Application
from madoguchi.apply.tests.conftest import sign_in
from madoguchi.apply.tests.journey import JPEG, PAGES, fill_all, page_url, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client, disaster_form, taro) -> Application:
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    return Application.objects.get()


def test_a_page_shows_progress_and_the_prefilled_items(client, draft):
    html = client.get(page_url(draft, "applicant")).content.decode()
    assert "全8ステップ中 1 ステップ目" in html  # 6 pages, check, sign
    assert re.search(r'<li class="progress__step" aria-current="step">\s*申請者</li>', html)
    assert 'enctype="multipart/form-data"' in html
    assert "保存して後で続ける" in html and "保存して次へ" in html


def test_invalid_answers_are_kept_and_shown_at_their_fields(client, draft):
    data = {
        **PAGES["disaster"],
        "disaster.date.year": "99",
        "disaster.cause": "",
        "_action": "next",
    }
    response = client.post(page_url(draft, "disaster"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="error-summary"') == 1
    assert 'href="#f-disaster-cause"' in html  # the summary links to the field
    assert 'aria-describedby="f-disaster-cause_error"' in html or "f-disaster-cause_error" in html
    assert "罹災原因を入力してください" in html or "罹災原因" in html
    assert "<title>エラー: " in html
    draft.refresh_from_db()
    assert draft.raw_answers["disaster.date"]["year"] == "99"  # nothing lost
    assert draft.raw_answers["disaster.damage_description"].startswith("台風")
    assert 'value="99"' in html


def test_back_and_save_for_later_keep_what_was_typed_without_blocking(client, draft):
    response = client.post(
        page_url(draft, "disaster"), {"disaster.damage_description": "途中", "_action": "back"}
    )
    assert response["Location"] == page_url(draft, "applicant")
    response = client.post(
        page_url(draft, "certificate"), {"certificate.copies": "x", "_action": "later"}
    )
    assert response["Location"] == "/apply/mypage/"
    draft.refresh_from_db()
    assert draft.raw_answers["disaster.damage_description"] == "途中"
    assert draft.raw_answers["certificate.copies"] == "x"
    assert draft.last_page == "certificate"
    mypage = client.get("/apply/mypage/").content.decode()
    assert "入力内容を保存しました" in mypage
    assert f"/apply/{draft.public_id}/" in mypage


def test_resume_on_another_device_opens_the_last_page(client, draft, taro):
    client.post(page_url(draft, "certificate"), {"_action": "later"})
    from django.test import Client

    other = sign_in(Client(), taro)
    response = other.get(f"/apply/{draft.public_id}/")
    assert response["Location"] == page_url(draft, "certificate")


def test_group_entries_are_added_and_removed_without_leaving_the_page(client, draft):
    url = page_url(draft, "household")
    response = client.post(url, {"household.members.count": "0", "_add_entry": "household.members"})
    assert response["Location"] == url
    html = client.get(url).content.decode()
    assert "household.members[0].member.name.family" in html


def test_upload_is_checked_stored_with_its_sha256_and_kept(client, draft):
    url = page_url(draft, "attachments")
    bad = client.post(url, {"attachments.photos": photo("roof.jpg", b"MZ\x90\x00 not a photo")})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "この種類のファイルは添付できません" in html and "JPEG" in html
    assert 'href="#f-attachments-photos"' in html
    assert not draft.attachments.exists()

    empty = client.post(url, {"attachments.photos": photo("roof.jpg", b"")})
    assert "ファイルが空です" in empty.content.decode()

    good = client.post(url, {"attachments.photos": photo(), "_action": "next"})
    assert good.status_code == 302
    draft.refresh_from_db()
    stored = draft.raw_answers["attachments.photos"]
    assert stored["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert stored["content_type"] == "image/jpeg"
    assert draft.attachments.get().sha256 == stored["sha256"]

    # Posting the page again without choosing a file keeps the one attached; a refused file
    # does not replace it.
    client.post(url, {"_action": "next"})
    client.post(url, {"attachments.photos": photo("x.png", b"GIF89a....")})
    draft.refresh_from_db()
    assert draft.raw_answers["attachments.photos"] == stored
    assert "roof.jpg" in client.get(url).content.decode()


def test_an_oversized_upload_is_refused_with_the_limit(client, draft, settings):
    settings.APPLY_UPLOAD_MAX_BYTES = 100
    response = client.post(page_url(draft, "attachments"), {"attachments.photos": photo()})
    assert "以下のファイルを添付してください" in response.content.decode()
    assert not draft.attachments.exists()


def test_check_page_lists_answers_with_change_links_and_file_hashes(client, draft):
    fill_all(client, draft)
    response = client.get(f"/apply/{draft.public_id}/check/")
    html = response.content.decode()
    assert "𠮷田" in html and "令和7年1月15日" in html
    assert f'href="/apply/{draft.public_id}/disaster/?return=check#f-disaster-cause"' in html
    assert f"/apply/{draft.public_id}/applicant/?return=check#f-applicant-name-family" in html
    assert hashlib.sha256(JPEG).hexdigest() in html
    assert f'href="/apply/{draft.public_id}/sign/"' in html
    assert "全8ステップ中 7 ステップ目" in html


def test_check_page_sends_each_error_to_its_page(client, draft):
    response = client.get(f"/apply/{draft.public_id}/check/")
    html = response.content.decode()
    assert "未入力または誤りのある項目があります" in html
    assert f"/apply/{draft.public_id}/disaster/?return=check" in html
    assert "/sign/" not in html  # no way forward until the answers are complete
    # Following the link shows that page's errors, and saving returns to the check.
    page = client.get(f"/apply/{draft.public_id}/disaster/?return=check").content.decode()
    assert "error-summary" in page and "保存して確認画面に戻る" in page
    response = client.post(
        page_url(draft, "disaster"), {**PAGES["disaster"], "return": "check", "_action": "next"}
    )
    assert response["Location"] == f"/apply/{draft.public_id}/check/"


def test_unknown_page_is_404(client, draft):
    assert client.get(page_url(draft, "nope")).status_code == 404
