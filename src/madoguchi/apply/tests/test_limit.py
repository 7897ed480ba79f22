"""One application per resident / household: the start page says so before anything is filled."""

from __future__ import annotations

import pytest
from django.utils import timezone

from madoguchi.applications.models import Application
from madoguchi.applications.services import (
    application_draft_create,
    application_signing_payload,
    application_submit,
    application_withdraw,
)
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import sign_in
from madoguchi.catalog.selectors import application_limit_cache
from madoguchi.catalog.services import offering_limit_set
from madoguchi.signatures.testing import sign_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_limits_from_other_tests():
    application_limit_cache.clear()


def set_limit(limit: str) -> None:
    offering_limit_set(
        municipality_code="131016",
        procedure_code="disaster-certificate",
        limit=limit,
        actor=None,
    )


def received(form, resident, answers) -> Application:
    application = application_draft_create(form_version=form, resident=resident, answers=answers)
    signed_at = timezone.now().replace(microsecond=0)
    payload = application_signing_payload(application=application, signed_at=signed_at)
    return application_submit(
        application=application, cms_der=sign_as(resident, payload), signed_at=signed_at
    )


def test_the_start_page_names_the_receipt_and_links_to_it(
    client, disaster_form, taro, sample_answers
):
    set_limit("resident")
    first = received(disaster_form, taro, sample_answers)
    sign_in(client, taro)
    url = f"/apply/start/{disaster_form.pk}/"
    html = client.get(url).content.decode()
    assert "この手続は1人1回まで申請できます" in html
    assert "すでに申請済み" in html and first.receipt_display in html
    assert f'href="/apply/{first.public_id}/status/"' in html
    assert "申請を始める" not in html  # no start button to fill the whole form in vain
    # A POST anyway (an old tab) creates nothing and comes back to the explanation.
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    assert Application.objects.count() == 1


def test_a_household_members_application_is_named_without_a_link(
    client, disaster_form, taro, hanako, sample_answers
):
    set_limit("household")
    first = received(disaster_form, taro, sample_answers)
    sign_in(client, hanako)
    html = client.get(f"/apply/start/{disaster_form.pk}/").content.decode()
    assert "1世帯1回まで申請できます" in html
    assert "同じ世帯の方がすでに申請しています" in html and first.receipt_display in html
    assert str(first.public_id) not in html  # hanako cannot open taro's application


def test_after_withdrawal_the_resident_may_start_again(client, disaster_form, taro, sample_answers):
    set_limit("resident")
    first = received(disaster_form, taro, sample_answers)
    application_withdraw(application=first, actor=None)
    sign_in(client, taro)
    url = f"/apply/start/{disaster_form.pk}/"
    html = client.get(url).content.decode()
    assert "すでに申請済み" not in html and "申請を始める" in html
    assert client.post(url).status_code == 302
    assert Application.objects.filter(status=Status.DRAFT).count() == 1


def test_without_a_limit_nothing_is_said(client, disaster_form, taro, sample_answers):
    received(disaster_form, taro, sample_answers)
    sign_in(client, taro)
    html = client.get(f"/apply/start/{disaster_form.pk}/").content.decode()
    assert "申請済み" not in html and "1回まで" not in html and "申請を始める" in html
