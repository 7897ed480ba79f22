from __future__ import annotations

import pytest

from madoguchi.applications.models import Application
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_start_needs_a_resident_sign_in(client, disaster_form):
    url = f"/apply/start/{disaster_form.pk}/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/signin/?next=%2Fapply%2Fstart%2F{disaster_form.pk}%2F"
    assert client.post(url).status_code == 302
    assert not Application.objects.exists()


def test_start_page_says_what_to_prepare_and_creates_a_prefilled_draft(client, disaster_form, taro):
    sign_in(client, taro)
    url = f"/apply/start/{disaster_form.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "罹災証明書" in html
    assert "署名用" in html  # the card and its PIN are needed
    assert "手数料" in html
    assert not Application.objects.exists()  # a GET changes nothing

    response = client.post(url)
    draft = Application.objects.get()
    assert response["Location"] == f"/apply/{draft.public_id}/applicant/"
    assert draft.status == Status.DRAFT and draft.resident == taro
    assert draft.raw_answers["applicant.name"] == {"family": "𠮷田", "given": "太郎"}
    assert draft.raw_answers["applicant.name_kana"] == {"family": "ヨシダ", "given": "タロウ"}
    assert draft.raw_answers["applicant.birth_date"] == "1985-04-12"
    assert draft.raw_answers["applicant.address"] == {
        "postal_code": "102-0083",
        "address": "東京都千代田区麹町二丁目1番1号",
    }
    # The prefill shows in the page's inputs, editable.
    first = client.get(response["Location"]).content.decode()
    assert 'value="𠮷田"' in first and 'value="麹町' not in first
    assert "東京都千代田区麹町二丁目1番1号" in first


def test_a_second_start_resumes_the_same_draft(client, disaster_form, taro):
    sign_in(client, taro)
    url = f"/apply/start/{disaster_form.pk}/"
    first = client.post(url)
    second = client.post(url)
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1
    assert "続き" in client.get(url).content.decode()


def test_the_variation_sequence_of_a_name_is_prefilled_unchanged(client, disaster_form, pki):
    from madoguchi.signatures.testing import demo_resident

    ken = demo_resident("katsuragi-ken")
    sign_in(client, ken)
    client.post(f"/apply/start/{disaster_form.pk}/")
    draft = Application.objects.get()
    assert draft.raw_answers["applicant.name"]["family"] == "葛\U000e0100城"


def test_unknown_form_version_is_404(client, disaster_form, taro):
    sign_in(client, taro)
    assert client.get("/apply/start/00000000-0000-0000-0000-000000000000/").status_code == 404
