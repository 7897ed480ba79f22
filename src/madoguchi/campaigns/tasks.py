"""Background jobs of benefit campaigns, run by the django-tasks worker (progress is written
to the CampaignJob row as it goes; the staff page refreshes itself)."""

from __future__ import annotations

from django_tasks import task


@task()
def campaign_job_task(*, job_id: int) -> None:
    from django.conf import settings
    from django.utils import translation

    from .runner import job_run

    with translation.override(settings.LANGUAGE_CODE):
        job_run(job_id=job_id)
