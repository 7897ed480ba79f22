"""Background jobs of a campaign (compute, push, flags): the job row, then its task once that
is committed; the worker runs them through runner.job_run, writing progress to the job row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from .models import Campaign, CampaignJob
from .services import households_total

if TYPE_CHECKING:
    from madoguchi.accounts.models import User


def job_start(*, campaign: Campaign, kind: str, user: User | None) -> CampaignJob:
    """Queue a background job: its task is enqueued once the job row is committed."""
    from .tasks import campaign_job_task

    with transaction.atomic():
        job = CampaignJob.objects.create(
            campaign=campaign, kind=kind, created_by=user, total=households_total(campaign)
        )
        transaction.on_commit(lambda: campaign_job_task.enqueue(job_id=job.pk))
    return job
