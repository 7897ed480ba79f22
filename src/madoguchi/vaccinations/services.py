"""Writes of the vaccination record system: vouchers, clinic uploads, staff entries,
corrections and voids, move-in transfers, issuer keys and certificates. Each audited."""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.services import audit_record
from madoguchi.core.public_url import public_base_url
from madoguchi.signatures import services as signature_services
from madoguchi.signatures.outcomes import Outcome

from . import checking, shc, transfer
from .models import (
    Certificate,
    Clinic,
    IssuerKey,
    Record,
    RecordChange,
    Transfer,
    Upload,
    UploadRow,
    Voucher,
)
from .types import PRODUCTS, ChangeKind, Source, UploadStatus

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User

IMPORT_BATCH = 2000


class VaccinationError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Vouchers and clinics --------------------------------------------------------------------


def voucher_issue(*, resident: Resident) -> Voucher:
    """The resident's 接種券 (created with a fresh 10-digit number on first use)."""
    existing = Voucher.objects.filter(resident=resident).first()
    if existing is not None:
        return existing
    for _attempt in range(20):
        number = f"{secrets.randbelow(10**10):010d}"
        try:
            with transaction.atomic():
                return Voucher.objects.create(
                    municipality_id=resident.municipality_id, resident=resident, number=number
                )
        except IntegrityError:
            found = Voucher.objects.filter(resident=resident).first()
            if found is not None:
                return found
    raise RuntimeError("no free voucher number")


def clinic_upsert(*, code: str, name: str, users: Sequence[User]) -> Clinic:
    clinic, _created = Clinic.objects.update_or_create(code=code, defaults={"name": name})
    clinic.users.add(*users)
    return clinic


# --- Clinic uploads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    upload: Upload
    seen_before: bool


def upload_receive(*, clinic: Clinic, user: User, file: UploadedFile[bytes]) -> Received:
    """Keep the file and queue its check; the same file (SHA-256) uploaded again by the same
    clinic is recognised and the earlier upload returned instead (unless it was discarded)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    sha256 = digest.hexdigest()
    earlier = (
        Upload.objects.filter(clinic=clinic, sha256=sha256)
        .exclude(status__in=[UploadStatus.DISCARDED, UploadStatus.FAILED])
        .order_by("-created_at")
        .first()
    )
    if earlier is not None:
        return Received(upload=earlier, seen_before=True)
    file.seek(0)
    with transaction.atomic():
        upload = Upload(
            clinic=clinic,
            uploaded_by=user,
            filename=(file.name or "upload.csv")[:255],
            sha256=sha256,
            size=size,
        )
        upload.file.save(f"{upload.public_id}.csv", file, save=False)
        upload.save()
        audit_record(
            action="vaccination.upload_received",
            actor=user,
            object_type="vaccinations.upload",
            object_id=str(upload.public_id),
            data={"clinic": clinic.code, "sha256": sha256, "bytes": size},
        )
        transaction.on_commit(lambda: _enqueue_check(upload.pk))
    return Received(upload=upload, seen_before=False)


def _enqueue_check(upload_id: int) -> None:
    from .tasks import upload_check_task

    upload_check_task.enqueue(upload_id=upload_id)


def upload_import(*, upload: Upload, user: User, partial: bool = False) -> Upload:
    """Register the checked rows as records, all in one transaction. A file with errors is
    registered only with `partial` (the operator confirmed: only the rows without errors)."""
    if upload.status != UploadStatus.CHECKED:
        raise VaccinationError(_("This upload cannot be registered now."))
    if upload.rows_with_errors and not partial:
        raise VaccinationError(
            _(
                "Some rows have errors. Fix the file, or confirm that only the rows without "
                "errors are registered."
            ),
            field="confirm_partial",
        )
    try:
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload.pk)
            if locked.status != UploadStatus.CHECKED:
                raise VaccinationError(_("This upload cannot be registered now."))
            count = _import_rows(locked, user)
            by_municipality = (
                Record.objects.filter(upload=locked)
                .values("municipality_id")
                .annotate(n=Count("pk"))
                .order_by("municipality_id")
            )
            for entry in by_municipality:
                audit_record(
                    action="vaccination.records_imported",
                    actor=user,
                    municipality_code=entry["municipality_id"],
                    object_type="vaccinations.upload",
                    object_id=str(locked.public_id),
                    data={"clinic": locked.clinic.code, "count": entry["n"], "partial": partial},
                )
            Upload.objects.filter(pk=locked.pk).update(
                status=UploadStatus.IMPORTED,
                rows_imported=count,
                partial_confirmed=partial and bool(locked.rows_with_errors),
                imported_at=timezone.now(),
            )
    except IntegrityError:
        # A record of the same dose arrived meanwhile (a staff entry, another upload): check
        # again so the row shows the duplicate.
        checking.upload_check(upload_id=upload.pk)
        upload.refresh_from_db()
        raise VaccinationError(
            _("Records were registered meanwhile; the file was checked again. Look at the errors.")
        ) from None
    upload.refresh_from_db()
    return upload


def _import_rows(upload: Upload, user: User) -> int:
    # Keyset on the line number: (upload, has_errors, line) is an index, so each batch is a
    # range scan (ordering by pk made every batch scan and sort the whole upload).
    rows = UploadRow.objects.filter(upload=upload, has_errors=False).order_by("line")
    last, count = 0, 0
    while True:
        batch = list(
            rows.filter(line__gt=last).values(
                "line",
                "resident_id",
                "municipality_code",
                "product",
                "lot",
                "dose_number",
                "administered_on",
                "site_code",
            )[:IMPORT_BATCH]
        )
        if not batch:
            return count
        last = batch[-1]["line"]
        Record.objects.bulk_create(
            [
                Record(  # type: ignore[misc]  # staged rows without errors have every value
                    municipality_id=row["municipality_code"],
                    resident_id=row["resident_id"],
                    product=row["product"],
                    lot=row["lot"],
                    dose_number=row["dose_number"],
                    administered_on=row["administered_on"],
                    site_code=row["site_code"],
                    source=Source.CLINIC_UPLOAD,
                    upload=upload,
                    created_by=user,
                )
                for row in batch
            ],
            batch_size=500,
        )
        count += len(batch)


def audit_upload_viewed(*, upload: Upload, user: User, ip_address: str | None) -> None:
    """An upload's page shows voucher numbers and doses: personal data, so audited."""
    audit_record(
        action="vaccination.upload_viewed",
        actor=user,
        object_type="vaccinations.upload",
        object_id=str(upload.public_id),
        ip_address=ip_address,
        data={"clinic": upload.clinic.code},
    )


def upload_discard(*, upload: Upload, user: User) -> None:
    if upload.status in {UploadStatus.IMPORTED, UploadStatus.IMPORTING}:
        raise VaccinationError(_("A registered upload cannot be discarded."))
    with transaction.atomic():
        UploadRow.objects.filter(upload=upload).delete()
        Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.DISCARDED)
        audit_record(
            action="vaccination.upload_discarded",
            actor=user,
            object_type="vaccinations.upload",
            object_id=str(upload.public_id),
        )


# --- Staff entries, corrections, voids -------------------------------------------------------


def _check_dose(
    *, resident: Resident, dose: int, day: datetime.date, product: str, exclude: int | None = None
) -> None:
    if day > timezone.localdate():
        raise VaccinationError(_("The date is in the future."), field="administered_on")
    if product not in PRODUCTS:
        raise VaccinationError(_("This vaccine product is not known."), field="product")
    live = Record.objects.filter(resident=resident, voided_at__isnull=True)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    held = {r.dose_number: r.administered_on for r in live}
    if dose in held:
        raise VaccinationError(
            _("Dose %(dose)d is already registered (%(date)s).")
            % {"dose": dose, "date": held[dose].isoformat()},
            field="dose_number",
        )
    if dose > 1 and dose - 1 not in held:
        raise VaccinationError(
            _("Dose %(dose)d cannot be registered without dose %(previous)d.")
            % {"dose": dose, "previous": dose - 1},
            field="dose_number",
        )
    if dose > 1 and held[dose - 1] >= day:
        raise VaccinationError(
            _("The date must be after dose %(previous)d (%(date)s).")
            % {"previous": dose - 1, "date": held[dose - 1].isoformat()},
            field="administered_on",
        )
    if dose + 1 in held and held[dose + 1] <= day:
        raise VaccinationError(
            _("The date must be before dose %(next)d (%(date)s).")
            % {"next": dose + 1, "date": held[dose + 1].isoformat()},
            field="administered_on",
        )


def record_create(
    *,
    resident: Resident,
    user: User,
    product: str,
    lot: str,
    dose_number: int,
    administered_on: datetime.date,
    site_code: str,
) -> Record:
    """A dose entered by staff (e.g. from a paper 予診票)."""
    with transaction.atomic():
        _check_dose(resident=resident, dose=dose_number, day=administered_on, product=product)
        record = Record.objects.create(
            municipality_id=resident.municipality_id,
            resident=resident,
            product=product,
            lot=lot,
            dose_number=dose_number,
            administered_on=administered_on,
            site_code=site_code,
            source=Source.STAFF_ENTRY,
            created_by=user,
        )
        audit_record(
            action="vaccination.record_created",
            actor=user,
            municipality_code=resident.municipality_id,
            object_type="vaccinations.record",
            object_id=str(record.public_id),
            data={"dose": dose_number},
        )
    return record


CORRECTABLE = ("product", "lot", "dose_number", "administered_on", "site_code")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def record_correct(
    *, record: Record, user: User, reason: str, values: dict[str, Any]
) -> RecordChange:
    """Change some fields of a live record; the old values are kept in its change history."""
    if record.voided_at is not None:
        raise VaccinationError(_("A voided record cannot be corrected."))
    if not reason.strip():
        raise VaccinationError(_("Enter the reason for the correction."), field="reason")
    changes = {
        name: {"old": _plain(getattr(record, name)), "new": _plain(values[name])}
        for name in CORRECTABLE
        if name in values and values[name] != getattr(record, name)
    }
    if not changes:
        raise VaccinationError(_("Nothing was changed."))
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        merged = {name: values.get(name, getattr(locked, name)) for name in CORRECTABLE}
        _check_dose(
            resident=locked.resident,
            dose=merged["dose_number"],
            day=merged["administered_on"],
            product=merged["product"],
            exclude=locked.pk,
        )
        for name, value in merged.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(CORRECTABLE))
        change = RecordChange.objects.create(
            record=locked,
            kind=ChangeKind.CORRECTION,
            reason=reason.strip()[:500],
            changes=changes,
            changed_by=user,
        )
        audit_record(
            action="vaccination.record_corrected",
            actor=user,
            municipality_code=locked.municipality_id,
            object_type="vaccinations.record",
            object_id=str(locked.public_id),
            data={"fields": sorted(changes), "reason": change.reason},
        )
    record.refresh_from_db()
    return change


def record_void(*, record: Record, user: User, reason: str) -> RecordChange:
    """Deletion is a void: the record stays, marked void with the reason, and counts no more."""
    if not reason.strip():
        raise VaccinationError(_("Enter the reason for voiding the record."), field="reason")
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        if locked.voided_at is not None:
            raise VaccinationError(_("This record is already void."))
        locked.voided_at = timezone.now()
        locked.void_reason = reason.strip()[:500]
        locked.save(update_fields=["voided_at", "void_reason"])
        change = RecordChange.objects.create(
            record=locked,
            kind=ChangeKind.VOID,
            reason=locked.void_reason,
            changes={"voided": {"old": False, "new": True}},
            changed_by=user,
        )
        audit_record(
            action="vaccination.record_voided",
            actor=user,
            municipality_code=locked.municipality_id,
            object_type="vaccinations.record",
            object_id=str(locked.public_id),
            data={"reason": locked.void_reason},
        )
    record.refresh_from_db()
    return change


def records_viewed(*, user: User, municipality_code: str, view: str, data: dict[str, Any]) -> None:
    audit_record(
        action="vaccination.records_viewed",
        actor=user,
        municipality_code=municipality_code,
        object_type="vaccinations.record",
        data={"view": view, **data},
    )


# --- Move-in (転入) ----------------------------------------------------------------------------


def transfer_request(*, resident: Resident, from_municipality_code: str, user: User) -> Transfer:
    """Ask the former municipality (through the channel) for the resident's records; the
    exchange is recorded and audited on both sides."""
    if from_municipality_code == resident.municipality_id:
        raise VaccinationError(
            _("Enter the municipality the resident moved from, not your own."),
            field="from_municipality",
        )
    channel = transfer.channel()
    answer = channel.records_for(
        from_municipality_code=from_municipality_code,
        family_name=resident.family_name,
        given_name=resident.given_name,
        birth_date=resident.birth_date,
        gender=resident.gender,
    )
    with transaction.atomic():
        exchange = Transfer.objects.create(
            to_municipality_id=resident.municipality_id,
            from_municipality_id=from_municipality_code,
            resident=resident,
            former_resident_found=answer.found,
            answer=[record.__dict__ for record in answer.records],
            requested_by=user,
            channel=channel.name,
        )
        for code, side in ((resident.municipality_id, "to"), (from_municipality_code, "from")):
            audit_record(
                action="vaccination.transfer_requested",
                actor=user,
                municipality_code=code,
                object_type="vaccinations.transfer",
                object_id=str(exchange.public_id),
                data={"side": side, "found": answer.found, "count": len(answer.records)},
            )
    return exchange


def transfer_take_over(*, exchange: Transfer, user: User) -> list[Record]:
    """Copy the records the former municipality answered into the new one (source: transfer);
    doses the new municipality already holds are skipped."""
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().select_related("resident").get(pk=exchange.pk)
        if locked.taken_over_at is not None:
            raise VaccinationError(_("These records were already taken over."))
        held = set(
            Record.objects.filter(resident=locked.resident, voided_at__isnull=True).values_list(
                "dose_number", flat=True
            )
        )
        created = []
        for entry in sorted(locked.answer, key=lambda e: e["dose_number"]):
            if entry["dose_number"] in held:
                continue
            created.append(
                Record.objects.create(
                    municipality_id=locked.to_municipality_id,
                    resident=locked.resident,
                    product=entry["product"],
                    lot=entry["lot"],
                    dose_number=entry["dose_number"],
                    administered_on=datetime.date.fromisoformat(entry["administered_on"]),
                    site_code=entry["site_code"],
                    source=Source.TRANSFER,
                    transfer=locked,
                    created_by=user,
                )
            )
        locked.taken_over_at = timezone.now()
        locked.taken_over_by = user
        locked.save(update_fields=["taken_over_at", "taken_over_by"])
        for code, side in (
            (locked.to_municipality_id, "to"),
            (locked.from_municipality_id, "from"),
        ):
            audit_record(
                action="vaccination.transfer_taken_over",
                actor=user,
                municipality_code=code,
                object_type="vaccinations.transfer",
                object_id=str(locked.public_id),
                data={"side": side, "count": len(created)},
            )
    return created


# --- Issuer keys and certificates ------------------------------------------------------------


def issuer_url(*, municipality_code: str) -> str:
    base = getattr(settings, "VACCINATIONS_ISSUER_BASE_URL", "") or public_base_url()
    return f"{base.rstrip('/')}/vaccinations/issuers/{municipality_code}"


def issuer_key_for(*, municipality_code: str) -> IssuerKey:
    """The municipality's active signing key (made on first use)."""
    with transaction.atomic():
        existing = IssuerKey.objects.filter(municipality_id=municipality_code, active=True).first()
        if existing is not None:
            return existing
        key = shc.key_generate()
        return IssuerKey.objects.create(
            municipality_id=municipality_code,
            kid=key.thumbprint(),
            public_jwk=shc.public_jwk(key),
            private_jwk=key.as_dict(private=True),
        )


def certificate_request_payload(
    *, resident: Resident, records: list[Record], requested_at: datetime.datetime
) -> bytes:
    """What the resident signs with the card: who asks, for which records, when (canonical JSON)."""
    body = {
        "type": "vaccination-certificate-request",
        "municipality": resident.municipality_id,
        "resident": str(resident.subject),
        "records": sorted(str(r.public_id) for r in records),
        "requested_at": requested_at.isoformat(),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def certificate_issue(
    *, resident: Resident, user: User, pin: str, ip_address: str | None = None
) -> Certificate:
    """Sign the request with the resident's card (PIN), verify it, then issue the SMART Health
    Card signed with the municipality's issuer key. Raises the signer's errors (PinIncorrect,
    PinLocked, NoCard, PinFormatError) and VaccinationError."""
    from .selectors import live_records_for

    records = list(live_records_for(resident=resident))
    if not records:
        raise VaccinationError(_("There are no vaccination records to certify."))
    requested_at = timezone.now().replace(microsecond=0)
    payload = certificate_request_payload(
        resident=resident, records=records, requested_at=requested_at
    )
    cms_der = signature_services.signature_sign(resident=resident, payload=payload, pin=pin)
    checked = signature_services.signature_check(
        payload=payload, cms_der=cms_der, expected_resident=resident
    )
    if checked.outcome != Outcome.VALID:
        raise VaccinationError(
            _("The signature could not be verified: %(outcome)s")
            % {"outcome": Outcome(checked.outcome).label}
        )
    key_row = issuer_key_for(municipality_code=resident.municipality_id)
    from joserfc.jwk import ECKey

    key = ECKey.import_key(key_row.private_jwk)
    card = shc.credential(
        issuer=issuer_url(municipality_code=resident.municipality_id),
        issued_at=requested_at,
        family_name=resident.family_name,
        given_name=resident.given_name,
        birth_date=resident.birth_date,
        immunizations=[
            {
                "cvx": PRODUCTS[r.product].cvx,
                "date": r.administered_on.isoformat(),
                "performer": r.site_code,
                "lot": r.lot,
            }
            for r in records
        ],
    )
    token = shc.sign(card, key)
    with transaction.atomic():
        evidence = signature_services.signature_evidence_store(checked=checked)
        certificate = Certificate.objects.create(
            municipality_id=resident.municipality_id,
            resident=resident,
            kid=key_row.kid,
            jws=token,
            request_payload=payload,
            signature_evidence=str(evidence.public_id),
        )
        certificate.records.set(records)
        audit_record(
            action="vaccination.certificate_issued",
            actor=user,
            municipality_code=resident.municipality_id,
            object_type="vaccinations.certificate",
            object_id=str(certificate.public_id),
            ip_address=ip_address,
            data={"records": len(records), "kid": key_row.kid},
        )
    return certificate


def certificate_viewed(
    *, certificate: Certificate, user: User, view: str, ip_address: str | None
) -> None:
    audit_record(
        action="vaccination.certificate_viewed",
        actor=user,
        municipality_code=certificate.municipality_id,
        object_type="vaccinations.certificate",
        object_id=str(certificate.public_id),
        ip_address=ip_address,
        data={"view": view},
    )


# --- Demo data ---------------------------------------------------------------------------------

DEMO_CLINIC_CODE = "1310112345"
DEMO_CLINIC_USER = "chiyoda-clinic"


@dataclass
class DemoResult:
    vouchers: int = 0
    records: int = 0

    def __str__(self) -> str:
        return f"vaccinations: {self.vouchers} voucher(s), {self.records} new record(s)"


def demo_data_load() -> DemoResult:
    """The demo clinic (user chiyoda-clinic), a voucher for every demo resident, and a few doses
    for the first demo residents; a second run adds nothing."""
    from django.contrib.auth import get_user_model

    from madoguchi.accounts.selectors import demo_resident_list

    result = DemoResult()
    # The demo municipality's issuer key, so its JWKS is published before the first card.
    issuer_key_for(municipality_code="131016")
    users = list(get_user_model().objects.filter(username=DEMO_CLINIC_USER))
    clinic_upsert(code=DEMO_CLINIC_CODE, name="まどぐち内科クリニック", users=users)
    plan = [
        [("comirnaty", "FA5765", "2025-10-14"), ("comirnaty", "FF2018", "2025-11-04")],
        [("spikevax", "3004217", "2025-10-20")],
        [
            ("comirnaty", "FA5765", "2025-10-14"),
            ("comirnaty", "FF2018", "2025-11-05"),
            ("daichirona", "DS0012", "2026-04-10"),
        ],
    ]
    for index, resident in enumerate(demo_resident_list()):
        if not Voucher.objects.filter(resident=resident).exists():
            voucher_issue(resident=resident)
            result.vouchers += 1
        doses = plan[index] if index < len(plan) else []
        for dose, (product, lot, day) in enumerate(doses, start=1):
            _record, created = Record.objects.get_or_create(
                resident=resident,
                dose_number=dose,
                voided_at=None,
                defaults={
                    "municipality_id": resident.municipality_id,
                    "product": product,
                    "lot": lot,
                    "administered_on": datetime.date.fromisoformat(day),
                    "site_code": DEMO_CLINIC_CODE,
                    "source": Source.CLINIC_UPLOAD,
                },
            )
            result.records += int(created)
    return result
