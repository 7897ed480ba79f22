"""The proxy refusal over HTTP: a stranger who declares himself the parent of someone else's
child is told so on the page, at the item that declared it, and what was typed is kept."""

from __future__ import annotations

import pytest
from django.test import Client

from madoguchi.applications.models import Application
from madoguchi.apply.tests.conftest import publish, sign_in
from madoguchi.signatures.testing import demo_resident

pytestmark = pytest.mark.django_db


def test_a_stranger_declaring_himself_the_parent_is_refused_at_the_field(pki, catalog):
    version = publish("moving-out-notification")
    client = sign_in(Client(), demo_resident("sato-jiro"))
    client.post(f"/apply/start/{version.pk}/")
    draft = Application.objects.get()
    response = client.post(
        f"/apply/{draft.public_id}/applicant/",
        {
            "applicant.name.family": "𠮷田",
            "applicant.name.given": "陽翔",
            "applicant.name_kana.family": "ヨシダ",
            "applicant.name_kana.given": "ハルト",
            "applicant.birth_date.era": "reiwa",
            "applicant.birth_date.year": "1",
            "applicant.birth_date.month": "6",
            "applicant.birth_date.day": "1",
            "applicant.address.postal_code": "102-0083",
            "applicant.address.address": "東京都千代田区麹町二丁目1番1号",
            "applicant.phone": "03-1234-5678",
            "proxy.is_proxy": "proxy",
            "proxy.kind": "parent",
            "proxy.name.family": "佐藤",
            "proxy.name.given": "次郎",
            "proxy.relationship": "父",
            "proxy.address.postal_code": "101-0021",
            "proxy.address.address": "東京都千代田区外神田一丁目1番1号",
            "moving.householder": "no",
            "_action": "next",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    error = html[html.index('id="f-proxy-kind_error"') :][:600]
    assert "同じ世帯の未成年の子として確認できない" in error and "委任状" in error
    assert 'href="#f-proxy-kind' in html  # the error summary links to the item
    draft.refresh_from_db()
    assert draft.raw_answers["proxy.kind"] == "parent"  # nothing lost


def test_my_page_shows_what_a_proxy_applied_for_me_once_in_the_page_not_in_its_title(pki, catalog):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from madoguchi.applications import services
    from madoguchi.applications.tests.test_proxies import PDF, _moving_out_for, _submit

    version = publish("moving-out-notification")
    stranger, taro = demo_resident("sato-jiro"), demo_resident("yoshida-taro")
    draft = services.application_draft_create(
        form_version=version, resident=stranger, answers=_moving_out_for(taro, stranger, "delegate")
    )
    upload = SimpleUploadedFile("ininjo.pdf", PDF, content_type="application/pdf")
    meta = services.application_attachment_store(
        application=draft, item_path="proxy.power_of_attorney", upload=upload
    )
    services.application_answers_save(
        application=draft, answers={"proxy.power_of_attorney": meta}, page_id="applicant"
    )
    _submit(draft, stranger)

    html = sign_in(Client(), taro).get("/apply/mypage/").content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<section" not in title and "<h2" not in title
    assert html.count('id="mypage-concerning"') == 1
    section = html[html.index('id="mypage-concerning"') :][:1500]
    assert "佐藤" in section  # the proxy who signed it
