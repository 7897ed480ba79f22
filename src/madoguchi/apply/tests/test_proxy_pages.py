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
