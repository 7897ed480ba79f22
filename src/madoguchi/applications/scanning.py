"""The quarantine of attachments (docs/scanning.md, ADR 0006).

Every upload is scanned (madoguchi.core.scanning) before it is kept:
- infected: not kept; the caller refuses it at the field (AttachmentInfected), an audit event
  `attachment.infected` is written and the municipality's administrators are e-mailed;
- scanner down: kept as PENDING and scanned again by a task (1, 2, 4 … minutes later), or by
  `manage.py attachments_rescan`; staff cannot open a pending file, the resident sees
  「ウイルス検査中」;
- clean: kept as CLEAN.
A pending file found infected later loses its bytes (the row stays, INFECTED, so staff and the
resident see what happened) and is reported the same way.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from madoguchi.accounts import selectors as account_selectors
from madoguchi.accounts.types import Role
from madoguchi.applications.models import Attachment
from madoguchi.applications.types import ScanStatus
from madoguchi.audit.services import audit_record
from madoguchi.core import scanning
from madoguchi.core.scanning import ScanResult, Verdict

if TYPE_CHECKING:
    from madoguchi.applications.models import Application

logger = logging.getLogger(__name__)
Actor = AbstractBaseUser | AnonymousUser | None


def upload_scan(upload: Any) -> ScanResult:
    """Scan an uploaded file (Django UploadedFile, or any seekable binary file)."""
    stream = upload.file if hasattr(upload, "file") else upload
    try:
        return scanning.scan(stream)
    finally:
        upload.seek(0)


def infected_message(*, name: str, signature: str) -> str:
    return _(
        "A virus was found in “%(name)s” (%(signature)s), so it was not attached. "
        "Check the file on your device and attach another one."
    ) % {"name": name, "signature": signature}


def infected_report(
    *,
    application: Application,
    item_path: str,
    sha256: str,
    result: ScanResult,
    actor: Actor,
) -> None:
    """Audit the finding in the municipality's chain (no file name: it may name a person) and
    tell the municipality's administrators by e-mail once the event is committed."""
    with transaction.atomic():
        audit_record(
            action="attachment.infected",
            actor=actor,
            municipality_code=application.municipality_id,
            object_type="application",
            object_id=application.receipt_number or str(application.public_id),
            data={
                "item": item_path,
                "sha256": sha256,
                "scanner": result.scanner,
                "signature": result.signature,
            },
        )
        transaction.on_commit(
            lambda: notify_staff_infected.enqueue(
                municipality_code=application.municipality_id,
                reference=application.receipt_display or str(application.public_id),
                item_path=item_path,
                signature=result.signature,
            )
        )


@task()
def notify_staff_infected(
    *, municipality_code: str, reference: str, item_path: str, signature: str
) -> None:
    """E-mail the municipality's administrators that an upload carried a virus."""
    recipients = [
        user.email
        for user in account_selectors.staff_for(
            municipality_code=municipality_code, roles=[Role.ADMIN]
        )
        if user.email
    ]
    if not recipients:
        logger.warning("Infected upload in %s: no administrator with an e-mail", municipality_code)
        return
    subject = _("[Madoguchi] A virus was found in an uploaded file")
    body = "\n".join(
        [
            _("An attachment was refused or quarantined because a virus was found."),
            _("Application: %(reference)s") % {"reference": reference},
            _("Item: %(item)s") % {"item": item_path},
            _("Found: %(signature)s") % {"signature": signature},
            _("The file was not handed to staff. The audit log has the event."),
        ]
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def scan_fields(result: ScanResult) -> dict[str, Any]:
    """The Attachment fields of a scan that did not find a virus."""
    return {
        "scan_status": ScanStatus.CLEAN if result.is_clean else ScanStatus.PENDING,
        "scan_signature": "",
        "scanned_at": timezone.now() if result.is_clean else None,
        "scan_attempts": 1,
    }


def rescan_schedule(*, attachment_id: int, attempts: int) -> None:
    """Scan a pending attachment again later (backoff 1, 2, 4 … minutes, capped), when the task
    backend can run a task later (the database one; the tests' immediate one cannot)."""
    if not attachment_rescan_task.get_backend().supports_defer:
        return
    delay = min(2 ** max(attempts - 1, 0), settings.ATTACHMENT_RESCAN_MAX_MINUTES)
    deferred = attachment_rescan_task.using(
        run_after=timezone.now() + datetime.timedelta(minutes=delay)
    )
    transaction.on_commit(lambda: deferred.enqueue(attachment_id=attachment_id))


@task()
def attachment_rescan_task(*, attachment_id: int) -> None:
    attachment_rescan(attachment_id=attachment_id)


def attachment_rescan(*, attachment_id: int, reschedule: bool = True) -> str:
    """Scan a pending attachment again; the new status (unchanged when not pending)."""
    attachment = Attachment.objects.select_related("application").filter(pk=attachment_id).first()
    if attachment is None or attachment.scan_status != ScanStatus.PENDING:
        return attachment.scan_status if attachment is not None else ""
    try:
        with attachment.file.open("rb") as stream:
            result = scanning.scan(cast("BinaryIO", stream))
    except FileNotFoundError:
        logger.error("Attachment %s: its file is missing", attachment_id)
        return ScanStatus.PENDING
    attachment.scan_attempts += 1
    if result.verdict == Verdict.PENDING:
        attachment.save(update_fields=["scan_attempts"])
        if reschedule:
            rescan_schedule(attachment_id=attachment.pk, attempts=attachment.scan_attempts)
        return ScanStatus.PENDING
    attachment.scanned_at = timezone.now()
    if result.verdict == Verdict.CLEAN:
        attachment.scan_status = ScanStatus.CLEAN
        attachment.save(update_fields=["scan_status", "scanned_at", "scan_attempts"])
        return ScanStatus.CLEAN
    stored = attachment.file
    with transaction.atomic():
        attachment.scan_status = ScanStatus.INFECTED
        attachment.scan_signature = result.signature[:255]
        attachment.save(
            update_fields=["scan_status", "scan_signature", "scanned_at", "scan_attempts"]
        )
        infected_report(
            application=attachment.application,
            item_path=attachment.item_path,
            sha256=attachment.sha256,
            result=result,
            actor=None,
        )
        # The bytes go once the verdict is committed: nobody can download them any more.
        transaction.on_commit(lambda: stored.delete(save=False))
    return ScanStatus.INFECTED


def attachments_rescan_pending() -> dict[str, int]:
    """Scan every pending attachment again now (`manage.py attachments_rescan`); counts by the
    new status."""
    counts: dict[str, int] = {}
    pending = Attachment.objects.filter(scan_status=ScanStatus.PENDING).order_by("pk")
    for pk in pending.values_list("pk", flat=True).iterator(200):
        status = attachment_rescan(attachment_id=pk, reschedule=False)
        counts[status] = counts.get(status, 0) + 1
    return counts
