"""Reads of applications, always scoped: to a resident, or to the staff's municipalities."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from madoguchi.accounts.models import Resident
from madoguchi.applications import receipts
from madoguchi.applications.dedupe import dedupe_key_for
from madoguchi.applications.models import Application, Status
from madoguchi.signatures.services import signature_envelope_key


def applications_for_resident(*, resident: Resident) -> QuerySet[Application]:
    return (
        Application.objects.filter(resident=resident)
        .select_related("form_version", "municipality")
        .order_by("-updated_at")
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


def application_for_envelope(*, cms_der: bytes) -> Application | None:
    """The application received with this signed envelope, if any (for refusals that want to
    name the first receipt; the unique constraint is what enforces "once")."""
    key = signature_envelope_key(cms_der=cms_der)
    if key is None:
        return None
    return Application.objects.filter(signature_value_sha256=key).first()
