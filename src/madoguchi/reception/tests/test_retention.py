"""保存期間: the retention run erases exactly what is due and nothing under hold, the dry run
lists the same, the audit chain still verifies, and staff set and release holds in the console."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from madoguchi.applications.models import Application, Attachment, StatusChange
from madoguchi.applications.retention import (
    legal_hold_set,
    retention_due,
    retention_run,
    years_after,
)
from madoguchi.applications.services import application_status_change
from madoguchi.applications.types import Status
from madoguchi.audit.models import AuditEvent
from madoguchi.audit.selectors import audit_chain_verify
from madoguchi.catalog.services import offering_retention_set
from madoguchi.reception.models import CaseComment
from madoguchi.reception.services import case_comment_add, case_file_for
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.models import SignatureEvidence

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)


def decide(application, status, on: datetime.date):
    """Decide `application` and move the decision back to `on` (the period counts from it)."""
    if status == Status.WITHDRAWN:
        application_status_change(application=application, to_status=status, actor=None)
    else:
        application_status_change(application=application, to_status=Status.IN_REVIEW, actor=None)
        application_status_change(application=application, to_status=status, actor=None)
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10, 0)))
    StatusChange.objects.filter(application=application).update(at=at)
    application.refresh_from_db()
    return application


@pytest.fixture
def decided(received, settings, tmp_path):
    """𠮷田: completed 5 years ago today (due, with a photo); 葛󠄀城: rejected 5 years ago
    tomorrow (not due); 髙橋: withdrawn 6 years ago but on hold; 佐藤: still received."""
    settings.MEDIA_ROOT = tmp_path
    taro, ken, ichiro, jiro = received
    decide(taro, Status.COMPLETED, years_after(TODAY, -5))
    decide(ken, Status.REJECTED, years_after(TODAY, -5) + datetime.timedelta(days=1))
    decide(ichiro, Status.WITHDRAWN, years_after(TODAY, -6))
    legal_hold_set(application=ichiro, reason="審査請求中", actor=None)
    Attachment.objects.create(
        application=taro,
        item_path="attachments.photos",
        file=SimpleUploadedFile("roof.jpg", b"\xff\xd8jpeg"),
        name="roof.jpg",
        content_type="image/jpeg",
        size=6,
        sha256="0" * 64,
        scan_status="clean",
    )
    case_file_for(application=taro)
    return taro, ken, ichiro, jiro


def test_the_run_erases_exactly_what_the_dry_run_lists(decided, django_capture_on_commit_callbacks):
    taro, ken, ichiro, jiro = decided
    stored = Attachment.objects.get(application=taro).file
    evidence_id = taro.signature_evidence_id
    due = retention_due(today=TODAY)
    assert [d.pk for d in due] == [taro.pk]
    dry = retention_run(dry_run=True, today=TODAY)
    assert dry.due == due and dry.anonymised == []
    taro.refresh_from_db()
    assert taro.answers and taro.anonymised_at is None  # a dry run changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_run(today=TODAY)
    assert report.anonymised == dry.due

    taro.refresh_from_db()
    assert taro.anonymised_at is not None
    assert taro.answers == {} and taro.raw_answers == {} and taro.parties == {}
    assert taro.resident_id is None and taro.user_id is None and taro.my_number_digest == ""
    assert taro.signature_evidence_id is None
    assert not SignatureEvidence.objects.filter(pk=evidence_id).exists()
    assert not Attachment.objects.filter(application=taro).exists()
    assert not stored.storage.exists(stored.name)
    assert case_file_for(application=taro).applicant_name == ""
    # What the statistics need stays: municipality, procedure, status, receipt, dated history.
    assert (taro.municipality_id, taro.procedure_code, taro.status) == (
        "131016",
        "disaster-certificate",
        Status.COMPLETED,
    )
    assert taro.receipt_number and taro.submitted_at
    assert [c.to_status for c in taro.history.all()] == ["submitted", "in_review", "completed"]

    for other in (ken, ichiro, jiro):
        other.refresh_from_db()
        assert other.anonymised_at is None and other.answers

    event = AuditEvent.objects.get(action="application.anonymised")
    assert event.object_id == taro.receipt_number and event.municipality_code == "131016"
    assert event.data["retention_years"] == 5 and event.data["attachments"] == 1
    assert "𠮷田" not in str(event.data) and "太郎" not in str(event.data)
    assert audit_chain_verify().ok
    assert retention_due(today=TODAY) == []  # once only


def test_a_day_later_the_next_one_is_due_and_a_released_hold_counts_again(decided):
    taro, ken, ichiro, _jiro = decided
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert {d.pk for d in retention_due(today=tomorrow)} == {taro.pk, ken.pk}
    from madoguchi.applications.retention import legal_hold_release

    legal_hold_release(application=ichiro, actor=None)
    assert {d.pk for d in retention_due(today=tomorrow)} == {taro.pk, ken.pk, ichiro.pk}
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="application.legal")
    ] == [
        "application.legal_hold_set",
        "application.legal_hold_released",
    ]


def test_the_municipalitys_own_period_overrides_the_standard(decided):
    taro = decided[0]
    offering_retention_set(
        municipality_code="131016", procedure_code="disaster-certificate", years=10, actor=None
    )
    assert retention_due(today=TODAY) == []
    assert [d.pk for d in retention_due(today=years_after(TODAY, 5))][:1] == [taro.pk]
    assert AuditEvent.objects.filter(action="offering.retention_changed").exists()


def test_the_command_prints_the_dry_run_and_then_erases_the_same(decided, capsys):
    taro = decided[0]
    call_command("retention_run", "--dry-run", "--today", TODAY.isoformat())
    dry = capsys.readouterr().out
    assert taro.receipt_number in dry and "1 application(s) would be anonymised." in dry
    call_command("retention_run", "--today", TODAY.isoformat())
    real = capsys.readouterr().out
    assert dry.splitlines()[1:-1] == real.splitlines()[1:-1]
    assert "1 application(s) anonymised." in real
    assert Application.objects.filter(anonymised_at__isnull=False).count() == 1


def test_staff_comments_go_with_the_personal_data(decided, demo):
    taro = decided[0]
    from madoguchi.accounts.models import User

    case_comment_add(
        application=taro, body="電話で確認済み", actor=User.objects.get(username="chiyoda-worker")
    )
    retention_run(today=TODAY)
    assert not CaseComment.objects.filter(application=taro).exists()


def test_a_case_worker_puts_an_application_on_hold_with_a_reason(client, demo, decided):
    taro = decided[0]
    staff_login(client, "chiyoda-worker")
    url = f"/staff/reception/applications/{taro.receipt_number}/"
    page = client.get(url).content.decode()
    assert "保存期間" in page and "5年" in page
    empty = client.post(f"{url}hold/", {"hold-reason": "  "})
    assert empty.status_code == 400
    assert "法的保存の理由" in empty.content.decode()
    response = client.post(f"{url}hold/", {"hold-reason": "訴訟対応"})
    assert response.status_code == 302
    assert retention_due(today=TODAY) == []
    event = AuditEvent.objects.get(
        action="application.legal_hold_set", object_id=taro.receipt_number
    )
    assert event.actor_label == "chiyoda-worker" and event.data["reason"] == "訴訟対応"
    assert "訴訟対応" in client.get(url).content.decode()
    client.post(f"{url}hold/", {"hold-action": "release"})
    assert [d.pk for d in retention_due(today=TODAY)] == [taro.pk]


def test_staff_of_another_municipality_cannot_set_a_hold(client, demo, decided):
    taro = decided[0]
    staff_login(client, "yokohama-worker")
    response = client.post(
        f"/staff/reception/applications/{taro.receipt_number}/hold/", {"hold-reason": "x"}
    )
    assert response.status_code == 404
    assert not taro.holds.exists()


def test_an_erased_application_still_opens_and_exports_without_its_data(client, demo, decided):
    import io
    import zipfile

    taro = decided[0]
    retention_run(today=TODAY)
    staff_login(client, "chiyoda-worker")
    page = client.get(f"/staff/reception/applications/{taro.receipt_number}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "個人情報を消去しました" in html and "𠮷田" not in html
    assert "法的保存にする" not in html  # nothing left to keep
    export = client.get("/staff/reception/export/pdf-zip/", {"receipt_number": taro.receipt_number})
    assert export.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content)))
    from pypdf import PdfReader

    for name in archive.namelist():
        pdf = PdfReader(io.BytesIO(archive.read(name)))
        text = "".join(p.extract_text() for p in pdf.pages)
        assert taro.receipt_display in text and "𠮷田" not in text
    csv = client.get("/staff/reception/export/csv/", {"receipt_number": taro.receipt_number})
    assert "𠮷田" not in b"".join(csv.streaming_content).decode("utf-8-sig")
