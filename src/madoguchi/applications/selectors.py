"""Reads of applications, always scoped: to a resident, or to the staff's municipalities."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from madoguchi.accounts.models import Resident
from madoguchi.applications import receipts
from madoguchi.applications.models import Application


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
