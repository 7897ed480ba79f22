"""Background work of the vaccination record system, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task


@task()
def upload_check_task(*, upload_id: int) -> None:
    """Read and check an uploaded CSV (progress is written to the upload as it goes)."""
    from .checking import upload_check

    upload_check(upload_id=upload_id)
