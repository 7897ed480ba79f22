"""Background work of the vaccination record system, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task


@task()
def upload_check_task(*, upload_id: int) -> None:
    """Read and check an uploaded CSV (progress is written to the upload as it goes)."""
    from django.conf import settings
    from django.utils import translation

    from .checking import upload_check

    # The row errors are stored as text: in the platform's language, whoever runs the worker.
    with translation.override(settings.LANGUAGE_CODE):
        upload_check(upload_id=upload_id)
