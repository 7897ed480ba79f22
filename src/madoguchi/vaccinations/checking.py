"""Checking an uploaded CSV (the task's work): read every row, stage it with its errors,
then count. Progress is written to the upload as it goes, outside any long transaction."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.accounts.selectors import municipality_codes_for
from madoguchi.accounts.types import Role

from . import intake
from .models import Clinic, Upload, UploadRow
from .types import UploadStatus


def served_codes(*, clinic: Clinic) -> set[str]:
    codes: set[str] = set()
    for user in clinic.users.all():
        codes |= municipality_codes_for(user=user, roles=[Role.CLINIC])
    return codes


def upload_check(*, upload_id: int) -> Upload:
    """Read and check every row (constant memory; progress on the upload row as it goes)."""
    upload = Upload.objects.select_related("clinic").get(pk=upload_id)
    if upload.status not in {UploadStatus.RECEIVED, UploadStatus.CHECKED, UploadStatus.CHECKING}:
        return upload
    Upload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.CHECKING, rows_done=0, bytes_done=0, problem=""
    )
    UploadRow.objects.filter(upload=upload).delete()
    served = served_codes(clinic=upload.clinic)

    def progress(rows: int, position: int) -> None:
        Upload.objects.filter(pk=upload.pk).update(rows_done=rows, bytes_done=position)

    try:
        with upload.file.open("rb") as handle:
            raw = handle.file
            encoding = intake.detect_encoding(raw)
            raw.seek(0)
            total = intake.stage_rows(
                upload, raw, encoding=encoding, served=served, progress=progress
            )
        if total == 0:
            raise intake.FileProblem(_("The file has a header but no rows."))
        intake.check_across_rows(upload)
    except intake.FileProblem as problem:
        UploadRow.objects.filter(upload=upload).delete()
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.FAILED, problem=problem.message[:500]
        )
        upload.refresh_from_db()
        return upload
    errors = UploadRow.objects.filter(upload=upload, has_errors=True).count()
    Upload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.CHECKED,
        encoding=encoding,
        rows_total=total,
        rows_done=total,
        bytes_done=upload.size,
        rows_with_errors=errors,
        checked_at=timezone.now(),
    )
    upload.refresh_from_db()
    return upload
