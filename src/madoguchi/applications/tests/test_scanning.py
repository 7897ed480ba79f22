"""The quarantine of attachments against a REAL clamd (fixture `clamd`: one daemon per test
session, with a signature database made here that detects the EICAR test file)."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from madoguchi.accounts.models import Membership, User
from madoguchi.accounts.types import Role
from madoguchi.applications.models import Attachment
from madoguchi.applications.scanning import attachments_rescan_pending
from madoguchi.applications.services import (
    AttachmentInfected,
    application_attachment_store,
    application_draft_create,
    application_submit,
)
from madoguchi.applications.types import ScanStatus
from madoguchi.audit.models import AuditEvent
from madoguchi.audit.selectors import audit_chain_verify
from madoguchi.core import scanning
from madoguchi.core.scanning import EICAR, EicarScanner, Verdict

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
INFECTED_PDF = b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n"


def upload(data: bytes, name: str = "tsuika.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def draft(disaster_form, taro):
    return application_draft_create(form_version=disaster_form, resident=taro)


@pytest.fixture
def chiyoda_admin(master):
    user = User.objects.create_user("scan-admin", email="admin@city.chiyoda.example")
    Membership.objects.create(user=user, municipality_id="131016", role=Role.ADMIN)
    return user


def test_clamd_finds_the_eicar_file_and_passes_a_clean_pdf(clamd):
    assert scanning.scan(io.BytesIO(INFECTED_PDF)).verdict == Verdict.INFECTED
    result = scanning.scan(io.BytesIO(INFECTED_PDF))
    assert result.scanner == "clamd" and result.signature.startswith("Madoguchi.Test.EICAR")
    assert scanning.scan(io.BytesIO(PDF)) == scanning.ScanResult(Verdict.CLEAN, scanner="clamd")


def test_eicar_upload_is_refused_audited_and_staff_are_told(
    clamd, draft, chiyoda_admin, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(AttachmentInfected) as refused,
    ):
        application_attachment_store(
            application=draft, item_path="attachments.photos", upload=upload(INFECTED_PDF)
        )
    assert "ウイルスが見つかった" in refused.value.message
    assert "tsuika.pdf" in refused.value.message
    assert refused.value.item_path == "attachments.photos"
    assert not Attachment.objects.exists()  # nothing kept
    event = AuditEvent.objects.get(action="attachment.infected")
    assert event.municipality_code == "131016"
    assert event.data["signature"].startswith("Madoguchi.Test.EICAR")
    assert "tsuika.pdf" not in str(event.data)  # a file name may name a person
    assert [m.to for m in mail.outbox] == [["admin@city.chiyoda.example"]]
    assert "ウイルス" in mail.outbox[0].subject
    assert audit_chain_verify().ok


def test_a_clean_pdf_is_kept_clean(clamd, draft):
    metadata = application_attachment_store(
        application=draft, item_path="attachments.photos", upload=upload(PDF)
    )
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.CLEAN
    assert attachment.scanned_at is not None
    assert metadata["sha256"] == attachment.sha256


def test_clamd_down_leaves_uploads_pending_until_it_is_back(clamd, draft, chiyoda_admin):
    clamd.stop()
    application_attachment_store(
        application=draft, item_path="attachments.photos", upload=upload(PDF)
    )
    application_attachment_store(
        application=draft, item_path="attachments.other", upload=upload(INFECTED_PDF, "b.pdf")
    )
    # Never silently clean: both wait, the infected one too.
    assert set(Attachment.objects.values_list("scan_status", flat=True)) == {ScanStatus.PENDING}
    assert attachments_rescan_pending() == {ScanStatus.PENDING: 2}  # still down

    clamd.start()
    call_command("attachments_rescan")
    clean = Attachment.objects.get(item_path="attachments.photos")
    infected = Attachment.objects.get(item_path="attachments.other")
    assert clean.scan_status == ScanStatus.CLEAN and clean.scan_attempts == 3
    assert infected.scan_status == ScanStatus.INFECTED
    assert infected.scan_signature.startswith("Madoguchi.Test.EICAR")
    assert AuditEvent.objects.filter(action="attachment.infected").count() == 1
    # The resident must replace it before submitting.
    with pytest.raises(AttachmentInfected) as refused:
        application_submit(application=draft)
    assert "b.pdf" in refused.value.message


def test_the_eicar_scanner_needs_no_daemon_and_finds_the_string_across_chunks():
    padded = b"x" * (64 * 1024 - 10) + EICAR
    assert EicarScanner().scan(io.BytesIO(padded)) == "Eicar-Test-Signature"
    assert EicarScanner().scan(io.BytesIO(PDF)) is None


def test_every_scanner_must_answer_for_a_file_to_be_clean(clamd, settings):
    settings.ATTACHMENT_SCANNERS = ["eicar", "clamd"]
    assert scanning.scan(io.BytesIO(PDF)).verdict == Verdict.CLEAN
    clamd.stop()
    result = scanning.scan(io.BytesIO(PDF))
    assert result.verdict == Verdict.PENDING and result.scanner == "clamd"
    assert "clamd" in result.detail
