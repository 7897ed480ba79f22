"""application_existing_for_limit: the receipt that blocks a new application, found before
the resident fills anything in, by the same key the submission enforces."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from madoguchi.applications.dedupe import dedupe_key_for
from madoguchi.applications.selectors import application_existing_for_limit
from madoguchi.applications.services import (
    application_draft_create,
    application_signing_payload,
    application_submit,
    application_withdraw,
)
from madoguchi.catalog.selectors import application_limit_cache
from madoguchi.catalog.services import offering_limit_set
from madoguchi.signatures.testing import demo_resident, sign_as

pytestmark = pytest.mark.django_db
CHIYODA = "131016"
PROCEDURE = "disaster-certificate"

_EARLIER = itertools.count()


@pytest.fixture(autouse=True)
def _no_limits_from_other_tests():
    application_limit_cache.clear()


def set_limit(limit: str) -> None:
    offering_limit_set(municipality_code=CHIYODA, procedure_code=PROCEDURE, limit=limit, actor=None)


def received(form, resident, answers):
    application = application_draft_create(form_version=form, resident=resident, answers=answers)
    # One second earlier each time: identical answers signed in the same second would be the
    # same signed envelope, which is received once.
    signed_at = timezone.now().replace(microsecond=0) - datetime.timedelta(seconds=next(_EARLIER))
    payload = application_signing_payload(application=application, signed_at=signed_at)
    return application_submit(
        application=application, cms_der=sign_as(resident, payload), signed_at=signed_at
    )


def lookup(resident):
    return application_existing_for_limit(
        resident=resident, municipality_code=CHIYODA, procedure_code=PROCEDURE
    )


def test_own_application_blocks_under_a_resident_limit(disaster_form, taro, hanako, sample_answers):
    set_limit("resident")
    assert lookup(taro) is None
    first = received(disaster_form, taro, sample_answers)
    assert first.dedupe_key == dedupe_key_for(
        municipality_code=CHIYODA, procedure_code=PROCEDURE, resident=taro
    )
    assert lookup(taro) == first
    assert lookup(hanako) is None  # per resident: the household member may apply


def test_household_limit_finds_a_members_application(disaster_form, taro, hanako, sample_answers):
    set_limit("household")
    first = received(disaster_form, taro, sample_answers)
    assert lookup(hanako) == first
    assert lookup(demo_resident("takahashi-ichiro")) is None  # another household


def test_a_withdrawn_application_does_not_count(disaster_form, taro, sample_answers):
    set_limit("resident")
    first = received(disaster_form, taro, sample_answers)
    application_withdraw(application=first, actor=None)
    assert lookup(taro) is None


def test_applications_received_before_the_limit_are_not_affected(
    disaster_form, taro, sample_answers
):
    received(disaster_form, taro, sample_answers)
    set_limit("resident")
    assert lookup(taro) is None
    received(disaster_form, taro, sample_answers)  # accepted: the first one holds no key


def test_no_limit_no_lookup(disaster_form, taro, sample_answers):
    set_limit("resident")
    received(disaster_form, taro, sample_answers)
    set_limit("")
    assert lookup(taro) is None
