"""Reads of benefit campaigns. Staff reads take the municipality codes of the user (access.py);
resident reads take the resident."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum

from .models import ApprovalBatch, Campaign, CampaignJob, Entitlement, PaymentFile
from .types import CampaignState, Counts, Decision, EntitlementState, Flag, JobState, Method

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


def campaigns_for(
    *, municipality_codes: Iterable[str], national: bool = False
) -> QuerySet[Campaign]:
    """Campaigns of these municipalities and the national ones (all of them for a national
    administrator)."""
    queryset = Campaign.objects.select_related("municipality")
    if national:
        return queryset
    return queryset.filter(
        Q(municipality_id__in=list(municipality_codes)) | Q(municipality__isnull=True)
    )


def campaign_get(
    *, public_id: uuid.UUID, municipality_codes: Iterable[str], national: bool = False
) -> Campaign | None:
    return (
        campaigns_for(municipality_codes=municipality_codes, national=national)
        .filter(public_id=public_id)
        .first()
    )


def counts(*, campaign: Campaign, municipality_codes: Iterable[str]) -> Counts:
    """The campaign page's figures, over the user's municipalities only."""
    rows = Entitlement.objects.filter(
        campaign=campaign, municipality_code__in=list(municipality_codes)
    )
    confirmed_states = [
        EntitlementState.CONFIRMED,
        EntitlementState.APPROVED,
        EntitlementState.PAID,
    ]
    figures = rows.aggregate(
        eligible=Count("pk"),
        notified=Count("pk", filter=Q(notified_at__isnull=False)),
        confirmed=Count("pk", filter=Q(state__in=confirmed_states, method=Method.PUBLIC_FUNDS)),
        applied=Count("pk", filter=Q(state__in=confirmed_states, method=Method.FORM)),
        flagged=Count("pk", filter=~Q(flag=Flag.NONE)),
        approved=Count(
            "pk", filter=Q(state__in=[EntitlementState.APPROVED, EntitlementState.PAID])
        ),
        paid=Count("pk", filter=Q(state=EntitlementState.PAID)),
        failed=Count("pk", filter=Q(state=EntitlementState.FAILED)),
        amount_eligible=Sum("amount"),
        amount_paid=Sum("amount", filter=Q(state=EntitlementState.PAID)),
    )
    return Counts(**{k: v or 0 for k, v in figures.items()})


def flagged(*, campaign: Campaign, municipality_codes: Iterable[str]) -> QuerySet[Entitlement]:
    """Flagged households, and those decided on whose flag a later registry check cleared (so
    the decision can still be seen and changed)."""
    return (
        Entitlement.objects.filter(
            ~Q(flag=Flag.NONE) | ~Q(decision=Decision.NONE),
            campaign=campaign,
            municipality_code__in=list(municipality_codes),
        )
        .select_related("applicant", "household", "batch", "decided_by")
        .order_by("pk")
    )


def decision_open(entitlement: Entitlement) -> bool:
    """Whether staff may still decide (or change the decision on) a flagged household: not
    once it is in an approved batch (approved, paid)."""
    if entitlement.state in (EntitlementState.APPROVED, EntitlementState.PAID):
        return False
    batch = entitlement.batch
    return batch is None or batch.confirmed_at is None


def batches(*, campaign: Campaign, municipality_codes: Iterable[str]) -> QuerySet[ApprovalBatch]:
    return ApprovalBatch.objects.filter(
        campaign=campaign, municipality_code__in=list(municipality_codes)
    ).select_related("requested_by", "confirmed_by")


def batch_get(
    *, campaign: Campaign, batch_id: int, municipality_codes: Iterable[str]
) -> ApprovalBatch | None:
    return (
        batches(campaign=campaign, municipality_codes=municipality_codes)
        .filter(pk=batch_id)
        .first()
    )


def payment_files(
    *, campaign: Campaign, municipality_codes: Iterable[str]
) -> QuerySet[PaymentFile]:
    return PaymentFile.objects.filter(
        campaign=campaign, municipality_code__in=list(municipality_codes)
    ).select_related("created_by")


def payment_file_get(
    *, campaign: Campaign, public_id: uuid.UUID, municipality_codes: Iterable[str]
) -> PaymentFile | None:
    return (
        payment_files(campaign=campaign, municipality_codes=municipality_codes)
        .filter(public_id=public_id)
        .first()
    )


def last_payer(*, municipality_code: str) -> dict[str, str] | None:
    """The payer details of the municipality's last transfer file (to prefill the next)."""
    last = PaymentFile.objects.filter(municipality_code=municipality_code).first()
    return dict(last.payer) if last is not None else None


def jobs(*, campaign: Campaign) -> QuerySet[CampaignJob]:
    return CampaignJob.objects.filter(campaign=campaign)


def job_running(*, campaign: Campaign) -> bool:
    return jobs(campaign=campaign).filter(state__in=[JobState.QUEUED, JobState.RUNNING]).exists()


# --- the resident ------------------------------------------------------------------------------


def campaigns_for_resident(*, resident: Resident) -> QuerySet[Campaign]:
    """Campaigns whose notices went out in the resident's municipality."""
    return Campaign.objects.filter(
        Q(municipality_id=resident.municipality_id) | Q(municipality__isnull=True),
        state=CampaignState.PUSHED,
    )


def campaign_for_resident(*, resident: Resident, public_id: uuid.UUID) -> Campaign | None:
    return campaigns_for_resident(resident=resident).filter(public_id=public_id).first()


def entitlement_for(*, campaign: Campaign, resident: Resident) -> Entitlement | None:
    """The resident's household's entitlement in this campaign, if the household is eligible."""
    return (
        Entitlement.objects.filter(campaign=campaign, household_id=resident.household_id)
        .select_related("campaign")
        .first()
    )
