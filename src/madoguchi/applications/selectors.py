"""Reads of applications, always scoped: to a resident, or to the staff's municipalities."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Min, Prefetch, QuerySet

from madoguchi.applications import receipts
from madoguchi.applications.dedupe import dedupe_key_for
from madoguchi.applications.models import Application, OutboxMessage, StatusChange
from madoguchi.applications.proxies import proxy_check
from madoguchi.applications.types import Channel, Status
from madoguchi.core.identifiers import identifier_digest
from madoguchi.forms import selectors as form_selectors
from madoguchi.signatures.services import signature_envelope_key

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.forms.validation import ValidationResult


def applications_for_resident(*, resident: Resident) -> QuerySet[Application]:
    return (
        Application.objects.filter(resident=resident)
        .select_related("form_version", "municipality")
        .order_by("-updated_at")
    )


def applications_with_history_for_resident(*, resident: Resident) -> QuerySet[Application]:
    """The resident's applications with their status history (oldest change first) prefetched,
    for My page."""
    return applications_for_resident(resident=resident).prefetch_related(
        Prefetch("history", queryset=StatusChange.objects.order_by("at", "pk"))
    )


def application_for_resident(*, resident: Resident, public_id: str) -> Application | None:
    return applications_for_resident(resident=resident).filter(public_id=public_id).first()


def applications_for_municipalities(*, municipality_codes: Iterable[str]) -> QuerySet[Application]:
    """Received applications of these municipalities only (drafts are the resident's own)."""
    return (
        Application.objects.filter(municipality_id__in=list(municipality_codes))
        .exclude(status="draft")
        .select_related("form_version", "municipality", "resident", "signature_evidence")
    )


def application_by_receipt(
    *, municipality_codes: Iterable[str], receipt_number: str
) -> Application | None:
    if not receipts.is_valid(receipt_number):
        return None
    return (
        applications_for_municipalities(municipality_codes=municipality_codes)
        .filter(receipt_number=receipts.normalise(receipt_number))
        .first()
    )


def application_existing_for_limit(
    *, resident: Resident, municipality_code: str, procedure_code: str
) -> Application | None:
    """The received application that stops `resident` from applying again, when the offering
    allows one per resident or household: their own, or a household member's. None when the
    offering has no limit or nothing blocks (a withdrawn application does not count: its key
    was cleared)."""
    key = dedupe_key_for(
        municipality_code=municipality_code, procedure_code=procedure_code, resident=resident
    )
    if key is None:
        return None
    return (
        Application.objects.filter(dedupe_key=key)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .first()
    )


def outbox_messages_for_municipality(
    *, municipality_code: str, since: datetime.datetime
) -> QuerySet[OutboxMessage]:
    """Outbox messages about this municipality's applications written at or after `since`."""
    return OutboxMessage.objects.filter(
        payload__municipality_code=municipality_code, created_at__gte=since
    )


def application_for_document(*, pk: int) -> Application:
    """One application with what its documents (the PDF copy) read, for exports."""
    return Application.objects.select_related(
        "form_version", "municipality", "resident", "signature_evidence"
    ).get(pk=pk)


def applications_by_my_number(
    *, my_number: str, municipality_codes: Iterable[str]
) -> QuerySet[Application]:
    """Received applications of these municipalities that carry this 個人番号, found through its
    keyed hash (the number itself is stored only encrypted)."""
    digest = identifier_digest(my_number)
    if not digest:
        return Application.objects.none()
    return applications_for_municipalities(municipality_codes=municipality_codes).filter(
        my_number_digest=digest
    )


def application_for_envelope(*, cms_der: bytes) -> Application | None:
    """The application received with this signed envelope, if any (for refusals that want to
    name the first receipt; the unique constraint is what enforces "once")."""
    key = signature_envelope_key(cms_der=cms_der)
    if key is None:
        return None
    return Application.objects.filter(signature_value_sha256=key).first()


def application_answers_check(*, application: Application) -> ValidationResult:
    """Every answer as the submission will judge it: the form's validation, then (when that
    passes) whether a declared proxy may apply for the person concerned — for the
    check-your-answers page, so the refusal is shown there at its item and not only on signing."""
    result = form_selectors.form_validate(
        form_version=application.form_version, answers=application.raw_answers
    )
    if result.is_valid:
        checked = proxy_check(
            answers=result.answers,
            signer=application.resident,
            municipality_code=application.municipality_id,
        )
        result.errors += list(checked.errors)
    return result


def applications_concerning_resident(*, resident: Resident) -> QuerySet[Application]:
    """Received applications a proxy made for `resident` (the person concerned), for their My
    page: read only — the proxy who signed is the one who may change or withdraw them."""
    return (
        Application.objects.filter(subject_resident=resident)
        .exclude(resident=resident)
        .exclude(status=Status.DRAFT)
        .select_related("form_version", "municipality")
        .order_by("-submitted_at")
    )


def counter_application(
    *, municipality_codes: Iterable[str], public_id: uuid.UUID | str
) -> Application | None:
    """An application entered at the counter in one of these municipalities (its draft
    included: staff fill it in with the resident), or None."""
    return (
        Application.objects.filter(
            municipality_id__in=list(municipality_codes),
            public_id=str(public_id),
            channel=Channel.COUNTER,
        )
        .select_related("form_version", "municipality", "resident", "assisted_by")
        .first()
    )


def status_change_events(
    *, after_id: int, settled_before: datetime.datetime, limit: int
) -> list[dict[str, Any]]:
    """Status changes with an id above `after_id` recorded before `settled_before`, oldest
    first, with what aggregates need of their application (kpis' incremental job): no answers,
    no personal data."""
    return [
        dict(row)
        for row in StatusChange.objects.filter(pk__gt=after_id, at__lt=settled_before)
        .order_by("pk")
        .values(
            "pk",
            "from_status",
            "to_status",
            "at",
            "application__municipality_id",
            "application__procedure_code",
            "application__submitted_at",
            "application__is_test",
            "application__resident__subject",
        )[:limit]
    ]


def open_applications_oldest(*, municipality_codes: Iterable[str]) -> dict[str, datetime.datetime]:
    """Per procedure, when the oldest application still waiting for a decision (received, under
    review or returned) was received, over these municipalities (the inbox index)."""
    rows = (
        Application.objects.filter(
            municipality_id__in=list(municipality_codes),
            status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED],
            is_test=False,
        )
        .values("procedure_code")
        .annotate(oldest=Min("submitted_at"))
    )
    return {row["procedure_code"]: row["oldest"] for row in rows if row["oldest"] is not None}
