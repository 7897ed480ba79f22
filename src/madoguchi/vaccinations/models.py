"""Vaccination records, partitioned by municipality: every row names the municipality that owns
it, and every query starts from the municipalities the user may see (access.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.core.identifiers import EncryptedJSONField

from .types import PRODUCT_CHOICES, ChangeKind, Source, UploadStatus


class Voucher(models.Model):
    """The 接種券 a municipality issues to a resident: its 10-digit number is how a clinic's CSV
    names the person (a clinic never sees the resident registry)."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    resident = models.OneToOneField(
        "accounts.Resident", on_delete=models.PROTECT, related_name="vaccination_voucher"
    )
    number = models.CharField(_("Voucher number"), max_length=10)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="voucher_unique")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}-{self.number}"


class Clinic(models.Model):
    """A medical institution (医療機関コード, 10 digits). Its users sign in as staff with the
    `clinic` role in each municipality it serves (accounts.Membership)."""

    code = models.CharField(_("Medical institution code"), max_length=10, unique=True)
    name = models.CharField(_("Name"), max_length=128)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="vaccination_clinics")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Upload(models.Model):
    """One CSV file a clinic uploaded: checked row by row, registered only when confirmed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="vaccinations/uploads/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    problem = models.CharField(max_length=500, blank=True)  # a file-level problem
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)  # progress of the current step
    bytes_done = models.PositiveBigIntegerField(default=0)
    rows_with_errors = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    partial_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "sha256"], name="vacc_upload_hash_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def progress_percent(self) -> int:
        if self.status == UploadStatus.CHECKING and self.size:
            return min(100, self.bytes_done * 100 // self.size)
        if self.status == UploadStatus.IMPORTING and self.rows_total:
            return min(100, self.rows_done * 100 // max(1, self.rows_total))
        return 100 if self.status in {UploadStatus.CHECKED, UploadStatus.IMPORTED} else 0


class UploadRow(models.Model):
    """One data row of an upload, as read, with its errors ([{"column", "message"}])."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()  # the file's line number (the header is line 1)
    municipality_code = models.CharField(max_length=6, blank=True)
    voucher_number = models.CharField(max_length=32, blank=True)
    resident = models.ForeignKey(
        "accounts.Resident", on_delete=models.PROTECT, null=True, blank=True
    )
    product = models.CharField(max_length=32, blank=True)
    lot = models.CharField(max_length=32, blank=True)
    dose_number = models.PositiveSmallIntegerField(null=True, blank=True)
    administered_on = models.DateField(null=True, blank=True)
    site_code = models.CharField(max_length=32, blank=True)
    errors = models.JSONField(default=list)
    has_errors = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["upload", "line"], name="vacc_row_line_idx"),
            # The checks across rows walk the rows without errors by resident (a range scan).
            models.Index(
                fields=["upload", "has_errors", "resident", "dose_number", "line"],
                name="vacc_row_res_idx",
            ),
            models.Index(fields=["upload", "has_errors", "line"], name="vacc_row_err_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.line}"


class Record(models.Model):
    """One dose given to one resident, owned by the resident's municipality."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "accounts.Resident", on_delete=models.PROTECT, related_name="vaccination_records"
    )
    product = models.CharField(_("Vaccine"), max_length=32, choices=PRODUCT_CHOICES)
    lot = models.CharField(_("Lot number"), max_length=32)
    dose_number = models.PositiveSmallIntegerField(_("Dose"))
    administered_on = models.DateField(_("Date of vaccination"))
    site_code = models.CharField(_("Medical institution code"), max_length=10)
    source = models.CharField(
        pgettext_lazy("vaccination record", "Source"), max_length=16, choices=Source.choices
    )
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True)
    transfer = models.ForeignKey(
        "Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            # One live record per dose: a duplicate upload or entry loses here even when two
            # arrive at once; a voided record no longer counts.
            models.UniqueConstraint(
                fields=["resident", "dose_number"],
                condition=models.Q(voided_at__isnull=True),
                name="vacc_record_one_live_dose",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "administered_on"], name="vacc_record_day_idx")
        ]
        ordering = ["resident_id", "dose_number", "pk"]

    def __str__(self) -> str:
        return f"{self.resident_id} #{self.dose_number} {self.administered_on}"


class RecordChange(models.Model):
    """A correction or a void: who, when, why, and the values before and after (append-only)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    reason = models.CharField(max_length=500)
    changes = models.JSONField(default=dict)  # {field: {"old": ..., "new": ...}}
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind} {self.changed_at:%Y-%m-%d}"


class Transfer(models.Model):
    """A move-in exchange (転入): the new municipality asked the former one for a resident's
    records. Both sides see it; taking over copies the records into the new municipality."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to_municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    from_municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey("accounts.Resident", on_delete=models.PROTECT, related_name="+")
    # What the former municipality answered (the channel's reply, kept as received).
    former_resident_found = models.BooleanField(default=False)
    answer = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    taken_over_at = models.DateTimeField(null=True, blank=True)
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=32, default="local")

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_municipality_id}→{self.to_municipality_id} {self.resident_id}"


class IssuerKey(models.Model):
    """A municipality's SMART Health Card signing key (ES256, P-256). The private JWK is
    encrypted at rest with the identifier keys; the public one is published as a JWKS."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    kid = models.CharField(max_length=64, unique=True)  # RFC 7638 thumbprint
    public_jwk = models.JSONField()
    private_jwk = EncryptedJSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.kid}"


class Certificate(models.Model):
    """A 接種証明書 issued at a resident's signed request: the SMART Health Card as issued."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "accounts.Resident", on_delete=models.PROTECT, related_name="vaccination_certificates"
    )
    records = models.ManyToManyField(Record, related_name="certificates")
    issued_at = models.DateTimeField(auto_now_add=True)
    kid = models.CharField(max_length=64)
    jws = models.TextField()
    # The resident's request, signed with the card: the signed bytes and the evidence id.
    request_payload = models.BinaryField()
    signature_evidence = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return str(self.public_id)
