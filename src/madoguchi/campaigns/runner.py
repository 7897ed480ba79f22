"""What the worker runs for a campaign job (tasks.campaign_job_task)."""

from __future__ import annotations

from django.utils import timezone

from .models import CampaignJob, Entitlement
from .services import CampaignError, campaign_push, eligibility_compute, flags_refresh
from .types import JobKind, JobState


def job_run(*, job_id: int) -> None:
    job = CampaignJob.objects.select_related("campaign").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return
    CampaignJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)

    def progress(done: int) -> None:
        CampaignJob.objects.filter(pk=job.pk).update(done=done)

    try:
        if job.kind == JobKind.COMPUTE:
            result = eligibility_compute(campaign=job.campaign, progress=progress)
        elif job.kind == JobKind.PUSH:
            CampaignJob.objects.filter(pk=job.pk).update(
                total=Entitlement.objects.filter(campaign=job.campaign).count()
            )
            result = campaign_push(campaign=job.campaign, progress=progress)
        else:
            result = flags_refresh(campaign=job.campaign, progress=progress)
    except CampaignError as error:
        CampaignJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=error.message, finished_at=timezone.now()
        )
        return
    CampaignJob.objects.filter(pk=job.pk).update(
        state=JobState.DONE, result=result, finished_at=timezone.now()
    )
