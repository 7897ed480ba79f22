"""The campaign's お知らせ through the notices app: its templates (declared at start-up, a
municipality may override them) and the sends — every one with a dedupe key, so a re-run
sends nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from madoguchi.notices import registry as notice_registry
from madoguchi.notices import services as notice_services

if TYPE_CHECKING:
    import datetime

    from .models import Campaign, Entitlement

ELIGIBLE = "campaigns.eligible"
PAYMENT_FAILED = "campaigns.payment_failed"
REFUSED = "campaigns.refused"
REINSTATED = "campaigns.reinstated"


def templates_register() -> None:
    notice_registry.template_register(
        ELIGIBLE,
        subject=_("{campaign}: you are eligible for {amount} yen"),
        body=_(
            "Your household is eligible for {campaign} ({amount} yen), as recorded in the "
            "resident registry on {base_date}. Confirm how you receive it by {closes_on}, "
            "on the page of this notice."
        ),
        variables=("campaign", "amount", "base_date", "closes_on"),
    )
    notice_registry.template_register(
        PAYMENT_FAILED,
        subject=_("{campaign}: the transfer could not be made"),
        body=_(
            "The bank could not transfer {campaign} ({amount} yen) to the account you gave "
            "({reason}). Please give another account on the page of this notice."
        ),
        variables=("campaign", "amount", "reason"),
    )
    notice_registry.template_register(
        REFUSED,
        subject=_("{campaign}: the benefit will not be paid"),
        body=_(
            "After checking the resident registry, the municipality decided not to pay "
            "{campaign} ({amount} yen) to your household. Reason: {reason}. If you have "
            "questions, please contact the municipality's office."
        ),
        variables=("campaign", "amount", "reason"),
    )
    notice_registry.template_register(
        REINSTATED,
        subject=_("{campaign}: the benefit will be paid after all"),
        body=_(
            "The municipality has reviewed its decision: {campaign} ({amount} yen) will be paid "
            "to your household after all, and the earlier notice that it would not be paid no "
            "longer applies. If you have not confirmed how you receive it yet, please do so on "
            "the page of this notice."
        ),
        variables=("campaign", "amount"),
    )


def confirmation_path(campaign: Campaign) -> str:
    return reverse("campaigns:confirm", args=[campaign.public_id])


def eligible_bulk(
    *,
    campaign: Campaign,
    municipality_code: str,
    items: Iterable[tuple[int, int, int]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """One お知らせ per entitlement ((entitlement id, applicant id, amount) rows, streamed)."""
    link = confirmation_path(campaign)
    common = {
        "campaign": campaign.name,
        "base_date": campaign.base_date.strftime("%Y-%m-%d"),
        "closes_on": campaign.closes_on.strftime("%Y-%m-%d"),
    }

    def rows() -> Iterator[tuple[int, dict[str, str], str, str]]:
        for entitlement_id, applicant_id, amount in items:
            yield (
                applicant_id,
                {**common, "amount": f"{amount:,}"},
                f"campaign:{campaign.public_id}:eligible:{entitlement_id}",
                link,
            )

    return notice_services.notices_send_bulk(
        municipality_id=municipality_code,
        template=ELIGIBLE,
        items=rows(),
        progress=progress,
    )


def _to_household(
    *, entitlement: Entitlement, template: str, key: str, reason: str | None = None
) -> int:
    """A notice with the campaign, the amount (and a reason) to the household's applicant."""
    campaign = entitlement.campaign
    context = {"campaign": campaign.name, "amount": f"{entitlement.amount:,}"}
    if reason is not None:
        context["reason"] = reason
    return notice_services.notice_send(
        resident_id=entitlement.applicant_id,
        municipality_id=entitlement.municipality_code,
        template=template,
        context=context,
        dedupe_key=f"campaign:{campaign.public_id}:{key}",
        link=confirmation_path(campaign),
    )


def payment_failed(*, entitlement: Entitlement, payment_id: int) -> int:
    return _to_household(
        entitlement=entitlement,
        template=PAYMENT_FAILED,
        reason=entitlement.failure_reason or "",
        key=f"failed:{payment_id}",
    )


def refused(*, entitlement: Entitlement, decided_at: datetime.datetime) -> int:
    """The household is told that staff decided 支給しない, and why (once per decision)."""
    return _to_household(
        entitlement=entitlement,
        template=REFUSED,
        reason=entitlement.decision_reason,
        key=f"refused:{entitlement.pk}:{decided_at.isoformat()}",
    )


def reinstated(*, entitlement: Entitlement, decided_at: datetime.datetime) -> int:
    """The household that was told 支給しない is told the refusal was reversed (支給する)."""
    return _to_household(
        entitlement=entitlement,
        template=REINSTATED,
        key=f"reinstated:{entitlement.pk}:{decided_at.isoformat()}",
    )
