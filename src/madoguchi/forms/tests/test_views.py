"""Staff pages and the resident page, through HTTP, without JavaScript."""

from __future__ import annotations

import pytest

from madoguchi.forms import services
from madoguchi.forms.models import FormVersion
from madoguchi.reception.testing import staff_login

from .conftest import CHIYODA

pytestmark = pytest.mark.django_db
BASE = f"/staff/forms/{CHIYODA}/disaster-certificate/"


def test_anonymous_staff_pages_redirect_to_login(client):
    response = client.get("/staff/forms/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_list_adopt_customise_publish_flow(editor_client):
    page = editor_client.get("/staff/forms/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "罹災証明書の発行申請" in body and "未採用" in body
    assert "自動車保管場所証明の申請" not in body  # prefectural

    response = editor_client.post(f"{BASE}adopt/")
    assert response.status_code == 302 and response["Location"] == BASE
    detail = editor_client.get(BASE).content.decode()
    assert "disaster.cause" in detail and "標準様式を採用しました" in detail

    response = editor_client.post(
        f"{BASE}items/disaster.date/", {"label": "被災した日", "help": "わかる範囲で"}
    )
    assert response.status_code == 302
    response = editor_client.post(
        f"{BASE}items/add/",
        {
            "page": "disaster",
            "code": "parking",
            "type": "radio",
            "label": "駐車場の被害",
            "help": "",
            "required": "on",
            "options": "ある\nない",
        },
    )
    assert response.status_code == 302, response.content.decode()
    response = editor_client.post(
        f"{BASE}notes/", {"contact": "防災課 03-1234-5678", "fees": "無料", "deadlines": ""}
    )
    assert response.status_code == 302
    preview = editor_client.get(f"{BASE}preview/").content.decode()
    assert "被災した日" in preview and "駐車場の被害" in preview and "防災課" in preview

    response = editor_client.post(f"{BASE}publish/")
    assert response.status_code == 302
    version = FormVersion.objects.get()
    resident = editor_client.get(f"/forms/{version.pk}/").content.decode()
    assert "被災した日" in resident and "駐車場の被害" in resident
    assert "第1版として公開しました" in editor_client.get(BASE).content.decode()


def test_errors_are_shown_at_the_field(editor_client, disaster_form):
    response = editor_client.post(
        f"{BASE}items/disaster.cause/", {"label": "罹災原因", "help": "", "hidden": "on"}
    )
    # A required item has no "hide" box at all; posting one anyway changes nothing.
    assert response.status_code == 302
    response = editor_client.post(
        f"{BASE}items/add/",
        {
            "page": "disaster",
            "code": "Bad Code",
            "type": "radio",
            "label": "x",
            "options": "a",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "半角英小文字で始まり" in body and "選択肢を1行に1つずつ" in body
    assert 'aria-invalid="true"' in body and "error-summary" in body


def test_another_municipality_cannot_see_or_touch_chiyoda(client, demo, disaster_form):
    services.form_publish(municipal_form=disaster_form, actor=None)
    staff_login(client, "yokohama-admin")
    assert "千代田区" not in client.get("/staff/forms/").content.decode()
    for url in (
        BASE,
        f"{BASE}preview/",
        f"{BASE}items/disaster.date/",
        f"{BASE}notes/",
        f"{BASE}items/add/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"{BASE}adopt/",
        f"{BASE}publish/",
        f"{BASE}rebase/",
        f"{BASE}items/disaster.date/",
    ):
        assert client.post(url, {"label": "x"}).status_code == 404, url
    assert FormVersion.objects.count() == 1


def test_a_case_worker_has_no_form_pages(client, demo):
    staff_login(client, "chiyoda-worker")
    assert client.get("/staff/forms/").status_code == 403
    assert client.get(BASE).status_code == 404


def test_resident_page_validates_without_storing(client, demo, disaster_form):
    version = services.form_publish(municipal_form=disaster_form, actor=None)
    url = f"/forms/{version.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "罹災原因" in body and "「罹災原因」で「その他」を選んだ場合" in body
    response = client.post(
        url,
        {
            "applicant.name.family": "𠮷田",
            "applicant.name.given": "",
            "applicant.birth_date.era": "heisei",
            "applicant.birth_date.year": "31",
            "applicant.birth_date.month": "5",
            "applicant.birth_date.day": "1",
            "household.members.count": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "「申請者の氏名（名）」を入力してください。" in body
    assert "平成の期間にありません" in body
    assert 'value="𠮷田"' in body  # nothing the resident typed is lost
    assert 'href="#f-applicant-name-given"' in body
    assert FormVersion.objects.count() == 1


def test_resident_page_adds_a_group_entry_without_javascript(client, demo, disaster_form):
    version = services.form_publish(municipal_form=disaster_form, actor=None)
    response = client.post(
        f"/forms/{version.pk}/",
        {
            "household.members.count": "1",
            "household.members[0].member.name.family": "𠮷田",
            "_add_entry": "household.members",
        },
    )
    body = response.content.decode()
    assert 'name="household.members[1].member.name.family"' in body
    assert "error-summary" not in body


def test_unknown_form_version_is_404(client, db):
    assert client.get("/forms/00000000-0000-0000-0000-000000000000/").status_code == 404
