"""Reads of the vaccination record system. Every staff read takes the municipality codes the
user may see (access.py) and filters on them first."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from .models import Certificate, Clinic, IssuerKey, Record, Transfer, Upload, UploadRow, Voucher

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


def clinic_for(*, user: AbstractBaseUser | AnonymousUser) -> Clinic | None:
    if not user.is_authenticated:
        return None
    return Clinic.objects.filter(users__pk=user.pk).first()


def uploads_for(*, clinic: Clinic) -> QuerySet[Upload]:
    return Upload.objects.filter(clinic=clinic).order_by("-created_at", "-pk")


def upload_get(*, clinic: Clinic, public_id: Any) -> Upload | None:
    return Upload.objects.filter(clinic=clinic, public_id=public_id).first()


def upload_error_rows(*, upload: Upload, limit: int = 200) -> list[UploadRow]:
    return list(UploadRow.objects.filter(upload=upload, has_errors=True).order_by("line")[:limit])


def residents_search(*, municipality_codes: set[str], q: str) -> list[Resident]:
    """Residents of these municipalities by name, kana or voucher number (at most 50)."""
    from madoguchi.accounts.selectors import resident_list

    q = q.strip()
    if not q or not municipality_codes:
        return []
    query = resident_list().filter(municipality_id__in=municipality_codes)
    compact = q.replace(" ", "").replace("\u3000", "")
    condition = (
        Q(family_name__contains=compact)
        | Q(given_name__contains=compact)
        | Q(family_name_kana__contains=compact)
        | Q(given_name_kana__contains=compact)
    )
    voucher_ids = Voucher.objects.filter(
        municipality_id__in=municipality_codes, number=compact
    ).values_list("resident_id", flat=True)
    return list(query.filter(condition | Q(pk__in=list(voucher_ids))).order_by("pk")[:50])


def resident_in(*, municipality_codes: set[str], subject: Any) -> Resident | None:
    from madoguchi.accounts.selectors import resident_get

    resident = resident_get(subject=subject)
    if resident is None or resident.municipality_id not in municipality_codes:
        return None
    return resident


def voucher_for(*, resident: Resident) -> Voucher | None:
    return Voucher.objects.filter(resident=resident).first()


def records_for(*, resident: Resident, municipality_codes: set[str]) -> QuerySet[Record]:
    """All of the resident's records (voided ones too) owned by these municipalities."""
    return (
        Record.objects.filter(resident=resident, municipality_id__in=municipality_codes)
        .prefetch_related("changes__changed_by")
        .order_by("dose_number", "voided_at", "pk")
    )


def live_records_for(*, resident: Resident) -> QuerySet[Record]:
    """The resident's own live records (the resident's page, the certificate)."""
    return Record.objects.filter(
        resident=resident, municipality_id=resident.municipality_id, voided_at__isnull=True
    ).order_by("dose_number")


def record_in(*, municipality_codes: set[str], public_id: Any) -> Record | None:
    return (
        Record.objects.select_related("resident")
        .filter(public_id=public_id, municipality_id__in=municipality_codes)
        .first()
    )


def records_in(
    *, municipality_codes: set[str], start: datetime.date, end: datetime.date
) -> QuerySet[Record]:
    return (
        Record.objects.filter(
            municipality_id__in=municipality_codes,
            voided_at__isnull=True,
            administered_on__range=(start, end),
        )
        .select_related("resident__vaccination_voucher")
        .order_by("administered_on", "pk")
    )


def daily_counts(
    *, municipality_codes: set[str], start: datetime.date, end: datetime.date
) -> list[dict[str, Any]]:
    """Doses per day and product (live records), oldest day first."""
    rows = (
        Record.objects.filter(
            municipality_id__in=municipality_codes,
            voided_at__isnull=True,
            administered_on__range=(start, end),
        )
        .values("administered_on", "product")
        .annotate(count=Count("pk"))
        .order_by("administered_on", "product")
    )
    return [dict(row) for row in rows]


def transfers_to(*, municipality_codes: set[str]) -> QuerySet[Transfer]:
    return Transfer.objects.filter(to_municipality_id__in=municipality_codes).select_related(
        "resident", "from_municipality"
    )


def transfers_from(*, municipality_codes: set[str]) -> QuerySet[Transfer]:
    """Exchanges in which these municipalities were asked (the former municipality's view)."""
    return Transfer.objects.filter(from_municipality_id__in=municipality_codes).select_related(
        "to_municipality"
    )


def transfer_in(*, municipality_codes: set[str], public_id: Any) -> Transfer | None:
    return (
        Transfer.objects.select_related("resident", "from_municipality")
        .filter(public_id=public_id, to_municipality_id__in=municipality_codes)
        .first()
    )


def jwks_for(*, municipality_code: str) -> dict[str, Any]:
    """The issuer's public keys (every key it ever signed with, so old cards still verify)."""
    keys = IssuerKey.objects.filter(municipality_id=municipality_code).order_by("created_at")
    return {"keys": [key.public_jwk for key in keys]}


def certificates_for(*, resident: Resident) -> QuerySet[Certificate]:
    return Certificate.objects.filter(resident=resident).order_by("-issued_at", "-pk")


def certificate_for(*, resident: Resident, public_id: Any) -> Certificate | None:
    return Certificate.objects.filter(resident=resident, public_id=public_id).first()


def voucher_number_of(resident: Resident) -> str:
    """The voucher number of a resident loaded with select_related ("" if none)."""
    try:
        return str(resident.vaccination_voucher.number)
    except Voucher.DoesNotExist:
        return ""
