"""Reads for the console and the pull API. Every function takes municipality codes resolved by
madoguchi.reception.access (staff) or a credential, and starts from
applications.selectors.applications_for_municipalities."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from madoguchi.applications import receipts
from madoguchi.applications.selectors import (
    application_by_receipt,
    applications_for_municipalities,
)
from madoguchi.audit.selectors import audit_events_for
from madoguchi.reception.answers import name_fold
from madoguchi.reception.models import (
    Acknowledgement,
    ApiCredential,
    CaseComment,
    WebhookDelivery,
    WebhookEndpoint,
)

if TYPE_CHECKING:
    from madoguchi.applications.models import Application
    from madoguchi.audit.models import AuditEvent

SORTS = {
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "receipt": ("receipt_number",),
    "procedure": ("procedure_code", "submitted_at", "pk"),
    "status": ("status", "submitted_at", "pk"),
}


@dataclass(frozen=True)
class InboxFilter:
    statuses: tuple[str, ...] = ()
    procedure_code: str = ""
    municipality_code: str = ""
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    receipt_number: str = ""
    name: str = ""
    assignee_id: int | None = None
    unassigned: bool = False
    sort: str = "-submitted"


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def inbox(*, municipality_codes: Iterable[str], filters: InboxFilter) -> QuerySet[Application]:
    """Received applications of these municipalities, filtered and sorted."""
    queryset = applications_for_municipalities(municipality_codes=municipality_codes)
    if filters.statuses:
        queryset = queryset.filter(status__in=filters.statuses)
    if filters.procedure_code:
        queryset = queryset.filter(procedure_code=filters.procedure_code)
    if filters.municipality_code:
        queryset = queryset.filter(municipality_id=filters.municipality_code)
    if filters.submitted_from:
        queryset = queryset.filter(submitted_at__gte=_day_start(filters.submitted_from))
    if filters.submitted_to:
        next_day = filters.submitted_to + datetime.timedelta(days=1)
        queryset = queryset.filter(submitted_at__lt=_day_start(next_day))
    if filters.receipt_number:
        queryset = queryset.filter(receipt_number=receipts.normalise(filters.receipt_number))
    if filters.name:
        folded = name_fold(filters.name)
        if folded:
            queryset = queryset.filter(reception_case__search_text__contains=folded)
    if filters.unassigned:
        queryset = queryset.filter(
            Q(reception_case__isnull=True) | Q(reception_case__assignee__isnull=True)
        )
    elif filters.assignee_id is not None:
        queryset = queryset.filter(reception_case__assignee_id=filters.assignee_id)
    return queryset.select_related("reception_case", "reception_case__assignee").order_by(
        *SORTS.get(filters.sort, SORTS["-submitted"])
    )


def application_get(
    *, municipality_codes: Iterable[str], receipt_number: str
) -> Application | None:

    return application_by_receipt(
        municipality_codes=municipality_codes, receipt_number=receipt_number
    )


def procedures_in(*, municipality_codes: Iterable[str]) -> list[str]:
    return sorted(
        set(
            applications_for_municipalities(municipality_codes=municipality_codes)
            .order_by()
            .values_list("procedure_code", flat=True)
            .distinct()
        )
    )


def comments_for(*, application: Application) -> QuerySet[CaseComment]:
    return CaseComment.objects.filter(application=application)


def audit_search(
    *,
    municipality_codes: set[str],
    action: str = "",
    actor: str = "",
    object_id: str = "",
    occurred_from: datetime.date | None = None,
    occurred_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    queryset = audit_events_for(municipality_codes=municipality_codes)
    if action:
        queryset = queryset.filter(action__startswith=action)
    if actor:
        queryset = queryset.filter(actor_label__icontains=actor)
    if object_id:
        normalised = receipts.normalise(object_id) if receipts.is_valid(object_id) else object_id
        queryset = queryset.filter(object_id=normalised)
    if occurred_from:
        queryset = queryset.filter(occurred_at__gte=_day_start(occurred_from))
    if occurred_to:
        queryset = queryset.filter(
            occurred_at__lt=_day_start(occurred_to + datetime.timedelta(days=1))
        )
    return queryset.order_by("-sequence")


# --- pull API ---------------------------------------------------------------------------------


def credential_by_token_hash(*, token_sha256: str) -> ApiCredential | None:
    return (
        ApiCredential.objects.filter(token_sha256=token_sha256, revoked_at__isnull=True)
        .select_related("municipality")
        .first()
    )


def pull_queue(
    *,
    credential: ApiCredential,
    statuses: Iterable[str] = (),
    include_acknowledged: bool = False,
    after: tuple[datetime.datetime, int] | None = None,
) -> QuerySet[Application]:
    """The credential's municipality's applications, oldest submission first.

    By default only what this credential has not acknowledged (for the current submission):
    a core system that crashed before acknowledging gets the same applications again.
    Keyset-paginated on (submitted_at, pk), so the cursor is stable while rows are acknowledged.
    """
    queryset = applications_for_municipalities(municipality_codes=[credential.municipality_id])
    statuses = list(statuses)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if not include_acknowledged:
        acknowledged = Acknowledgement.objects.filter(
            credential=credential,
            application=OuterRef("pk"),
            submitted_at=OuterRef("submitted_at"),
        )
        queryset = queryset.filter(~Exists(acknowledged))
    if after is not None:
        at, pk = after
        queryset = queryset.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=pk))
    return queryset.order_by("submitted_at", "pk")


# --- webhooks -----------------------------------------------------------------------------------


def webhook_endpoints(*, municipality_codes: Iterable[str]) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(municipality_id__in=list(municipality_codes)).order_by(
        "municipality_id", "pk"
    )


def webhook_deliveries(*, municipality_codes: Iterable[str]) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(endpoint__municipality_id__in=list(municipality_codes))
        .select_related("endpoint", "message", "message__application")
        .order_by("-created_at", "-pk")
    )
