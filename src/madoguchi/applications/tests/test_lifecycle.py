import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from madoguchi.applications import receipts
from madoguchi.applications.models import Application, OutboxMessage
from madoguchi.applications.services import (
    InvalidAnswers,
    SignatureMissing,
    SignatureRejected,
    TransitionNotAllowed,
    application_answers_save,
    application_draft_create,
    application_signing_payload,
    application_status_change,
    application_submit,
    application_withdraw,
)
from madoguchi.applications.types import Status
from madoguchi.audit.models import AuditEvent
from madoguchi.audit.selectors import audit_chain_verify
from madoguchi.signatures.testing import sign_as

pytestmark = pytest.mark.django_db


def submit_signed(application, resident):
    signed_at = timezone.now().replace(microsecond=0)
    payload = application_signing_payload(application=application, signed_at=signed_at)
    return application_submit(
        application=application, cms_der=sign_as(resident, payload), signed_at=signed_at
    )


def test_receipt_numbers_are_short_readable_and_self_checking():
    numbers = {receipts.receipt_number_new() for _ in range(500)}
    assert len(numbers) == 500
    for number in numbers:
        assert receipts.is_valid(number)
        assert not set(number) & set("01OILU")
        shown = receipts.display(number)
        assert receipts.is_valid(shown.lower())  # typed in lower case with hyphens
        # Any single changed character is caught.
        for i, char in enumerate(number):
            other = receipts.ALPHABET[(receipts.ALPHABET.index(char) + 1) % 30]
            assert not receipts.is_valid(number[:i] + other + number[i + 1 :])


def test_draft_keeps_invalid_answers_and_reports_page_errors(disaster_form, taro):
    application = application_draft_create(form_version=disaster_form, resident=taro)
    result = application_answers_save(
        application=application, answers={"disaster.date": "令和99年99月99日"}, page_id="disaster"
    )
    application.refresh_from_db()
    assert application.raw_answers["disaster.date"] == "令和99年99月99日"  # nothing lost
    assert not result.is_valid
    assert application.status == Status.DRAFT


def test_signed_submission_is_received_with_evidence(disaster_form, taro, sample_answers):
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers
    )
    received = submit_signed(application, taro)
    assert received.status == Status.SUBMITTED
    assert receipts.is_valid(received.receipt_number)
    assert received.signature_evidence.outcome == "valid"
    assert received.signature_evidence.resident_id == taro.pk
    assert received.answers["applicant.name"] == {"family": "𠮷田", "given": "太郎"}
    assert received.history.get().to_status == Status.SUBMITTED
    assert OutboxMessage.objects.filter(
        application=received, topic="application.submitted"
    ).exists()
    assert AuditEvent.objects.filter(
        action="application.submitted", object_id=received.receipt_number
    ).exists()
    assert audit_chain_verify().ok


def test_submitting_twice_returns_the_same_receipt(disaster_form, taro, sample_answers):
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers
    )
    first = submit_signed(application, taro)
    again = application_submit(application=first)  # e.g. a double click
    assert again.receipt_number == first.receipt_number
    assert Application.objects.filter(resident=taro).count() == 1
    assert first.history.count() == 1


def test_a_signature_is_required(disaster_form, taro, sample_answers):
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers
    )
    with pytest.raises(SignatureMissing):
        application_submit(application=application)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_another_residents_signature_is_rejected(disaster_form, taro, hanako, sample_answers):
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers
    )
    signed_at = timezone.now().replace(microsecond=0)
    payload = application_signing_payload(application=application, signed_at=signed_at)
    with pytest.raises(SignatureRejected) as refused:
        application_submit(
            application=application, cms_der=sign_as(hanako, payload), signed_at=signed_at
        )
    assert refused.value.outcome == "signer_mismatch"
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.receipt_number is None


def test_signature_over_other_answers_is_rejected(disaster_form, taro, sample_answers):
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers
    )
    signed_at = timezone.now().replace(microsecond=0)
    payload = application_signing_payload(application=application, signed_at=signed_at)
    cms = sign_as(taro, payload)
    application_answers_save(application=application, answers={"certificate.copies": 5})
    with pytest.raises(SignatureRejected):
        application_submit(application=application, cms_der=cms, signed_at=signed_at)


def test_invalid_answers_are_refused_with_field_errors(disaster_form, taro, sample_answers):
    del sample_answers["disaster.date"]
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers
    )
    with pytest.raises(InvalidAnswers) as refused:
        application_signing_payload(application=application, signed_at=timezone.now())
    assert [e.item for e in refused.value.result.errors] == ["disaster.date"]


def test_workflow_notifies_the_applicant(
    disaster_form, taro, sample_answers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit_signed(
            application_draft_create(
                form_version=disaster_form, resident=taro, answers=sample_answers
            ),
            taro,
        )
    assert "受付" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(application=application, to_status=Status.IN_REVIEW, actor=None)
        application_status_change(
            application=application,
            to_status=Status.RETURNED,
            actor=None,
            message="被災日を確認してください。",
        )
    assert [m.to for m in mail.outbox] == [[taro.email], [taro.email]]
    assert "被災日を確認してください。" in mail.outbox[1].body
    assert application.receipt_display in mail.outbox[1].subject
    # Returned: the resident corrects, signs again and resubmits under the same receipt.
    application.refresh_from_db()
    application_answers_save(application=application, answers={"disaster.date": "2025-01-16"})
    resubmitted = submit_signed(application, taro)
    assert resubmitted.receipt_number == application.receipt_number
    assert resubmitted.answers["disaster.date"] == "2025-01-16"
    with pytest.raises(TransitionNotAllowed):
        application_status_change(application=resubmitted, to_status=Status.DRAFT, actor=None)


def test_withdrawal_only_before_processing(disaster_form, taro, sample_answers):
    application = submit_signed(
        application_draft_create(form_version=disaster_form, resident=taro, answers=sample_answers),
        taro,
    )
    application_status_change(application=application, to_status=Status.IN_REVIEW, actor=None)
    with pytest.raises(TransitionNotAllowed):
        application_withdraw(application=Application.objects.get(pk=application.pk), actor=None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_create_one_receipt(disaster_form, taro, sample_answers):
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers
    )
    signed_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    payload = application_signing_payload(application=application, signed_at=signed_at)
    cms = sign_as(taro, payload)
    results, errors = [], []

    def submit():
        try:
            copy = Application.objects.get(pk=application.pk)
            results.append(
                application_submit(
                    application=copy, cms_der=cms, signed_at=signed_at
                ).receipt_number
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Application.objects.get(pk=application.pk).history.count() == 1


def test_test_applications_send_no_email(
    disaster_form, taro, sample_answers, django_capture_on_commit_callbacks
):
    application = application_draft_create(
        form_version=disaster_form, resident=taro, answers=sample_answers, is_test=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit_signed(application, taro)
    assert mail.outbox == []
