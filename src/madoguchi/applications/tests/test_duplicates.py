"""One application per resident (or household): the 2020 lesson of repeated submissions."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from madoguchi.applications.models import Application
from madoguchi.applications.services import (
    DuplicateApplication,
    application_draft_create,
    application_signing_payload,
    application_submit,
    application_withdraw,
)
from madoguchi.applications.types import Status
from madoguchi.catalog.models import Offering
from madoguchi.signatures.testing import sign_as

_last_signed_at: list[datetime.datetime] = []


def limit(procedure_code, how):
    Offering.objects.filter(municipality_id="131016", procedure_id=procedure_code).update(
        application_limit=how
    )


def signed_submit(form, resident, answers):
    application = application_draft_create(form_version=form, resident=resident, answers=answers)
    # Never the same second twice: identical answers signed in the same second would be the
    # same signed envelope (RSA signatures are deterministic), which is received once. (Going
    # one second further back per call was not enough: the clock may tick between calls.)
    signed_at = timezone.now().replace(microsecond=0)
    if _last_signed_at and signed_at >= _last_signed_at[-1]:
        signed_at = _last_signed_at[-1] - datetime.timedelta(seconds=1)
    _last_signed_at.append(signed_at)
    payload = application_signing_payload(application=application, signed_at=signed_at)
    return application_submit(
        application=application, cms_der=sign_as(resident, payload), signed_at=signed_at
    )


@pytest.mark.django_db
def test_second_application_points_to_the_first(disaster_form, taro, sample_answers):
    limit("disaster-certificate", "resident")
    first = signed_submit(disaster_form, taro, sample_answers)
    with pytest.raises(DuplicateApplication) as refused:
        signed_submit(disaster_form, taro, sample_answers)
    assert refused.value.existing.pk == first.pk
    assert first.receipt_display in refused.value.message
    assert "すでに申請" in refused.value.message


@pytest.mark.django_db
def test_household_limit_covers_every_member(disaster_form, taro, hanako, sample_answers):
    limit("disaster-certificate", "household")
    signed_submit(disaster_form, taro, sample_answers)
    with pytest.raises(DuplicateApplication):
        signed_submit(disaster_form, hanako, sample_answers)


@pytest.mark.django_db
def test_withdrawing_allows_a_new_application(disaster_form, taro, sample_answers):
    limit("disaster-certificate", "resident")
    first = signed_submit(disaster_form, taro, sample_answers)
    application_withdraw(application=first, actor=None)
    second = signed_submit(disaster_form, taro, sample_answers)
    assert second.receipt_number != first.receipt_number


@pytest.mark.django_db
def test_without_a_limit_residents_may_apply_again(disaster_form, taro, sample_answers):
    signed_submit(disaster_form, taro, sample_answers)
    signed_submit(disaster_form, taro, sample_answers)
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_duplicate_storm_gives_exactly_one_application(disaster_form, taro, sample_answers):
    """The same resident submits 20 times at once: one receipt, 19 clear refusals."""
    limit("disaster-certificate", "resident")
    drafts = []
    for _ in range(20):
        application = application_draft_create(
            form_version=disaster_form, resident=taro, answers=sample_answers
        )
        signed_at = timezone.now().replace(microsecond=0)
        payload = application_signing_payload(application=application, signed_at=signed_at)
        drafts.append((application, sign_as(taro, payload), signed_at))
    received, refused, errors = [], [], []
    barrier = threading.Barrier(len(drafts))

    def submit(application, cms, signed_at):
        try:
            barrier.wait()
            received.append(
                application_submit(
                    application=application, cms_der=cms, signed_at=signed_at
                ).receipt_number
            )
        except DuplicateApplication as duplicate:
            refused.append(duplicate.existing.receipt_number)
        except Exception as exc:  # pragma: no cover - reported by the assertion
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=draft) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(received) == 1
    assert len(refused) == 19
    assert set(refused) == set(received)  # every refusal points to the one application
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 1


@pytest.mark.django_db
def test_the_same_signed_envelope_is_stored_once_also_on_the_web_path(
    disaster_form, taro, sample_answers
):
    """Two drafts with the same answers: the envelope signed for one cannot receive the other
    too (the resident journey submits through application_submit as well)."""
    from madoguchi.applications.services import SignatureReplayed

    first, second = (
        application_draft_create(form_version=disaster_form, resident=taro, answers=sample_answers)
        for _ in range(2)
    )
    signed_at = timezone.now().replace(microsecond=0)
    payload = application_signing_payload(application=first, signed_at=signed_at)
    cms = sign_as(taro, payload)
    received = application_submit(application=first, cms_der=cms, signed_at=signed_at)
    with pytest.raises(SignatureReplayed) as refused:
        application_submit(application=second, cms_der=cms, signed_at=signed_at)
    assert refused.value.existing.pk == received.pk
    assert received.receipt_display in refused.value.message
    second.refresh_from_db()
    assert second.status == Status.DRAFT and second.signature_value_sha256 is None
    assert Application.objects.exclude(status=Status.DRAFT).count() == 1
    # Withdrawing the first does not free its envelope.
    application_withdraw(application=received, actor=None)
    with pytest.raises(SignatureReplayed):
        application_submit(application=second, cms_der=cms, signed_at=signed_at)
