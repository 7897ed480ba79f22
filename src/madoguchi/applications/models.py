from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.applications.receipts import arrival_display, display
from madoguchi.applications.types import ArrivalState, Channel, ScanStatus, Status
from madoguchi.core.identifiers import EncryptedJSONField

# Which status may follow which. Staff move applications along; residents only withdraw (before
# processing starts) and resubmit what was returned to them.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {
        Status.IN_REVIEW,
        Status.RETURNED,
        Status.COMPLETED,
        Status.REJECTED,
        Status.WITHDRAWN,
    },
    Status.IN_REVIEW: {Status.RETURNED, Status.COMPLETED, Status.REJECTED},
    Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.COMPLETED: set(),
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
}


class Application(models.Model):
    """One resident's application, from draft to decision, pinned to the form version it was
    filled against."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    receipt_number = models.CharField(
        _("Receipt number"), max_length=9, unique=True, null=True, blank=True
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="applications"
    )
    procedure_code = models.CharField(_("Procedure"), max_length=64)
    form_version = models.ForeignKey(
        "madoguchi_forms.FormVersion", on_delete=models.PROTECT, related_name="applications"
    )
    resident = models.ForeignKey(
        "accounts.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    # The person concerned (対象者) when a proxy applied for a resident the registry knows
    # (applications/proxies.py); their My page lists the application too. None otherwise.
    subject_resident = models.ForeignKey(
        "accounts.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_concerning",
    )
    # The staff member who entered it at the counter with the resident, or registered the paper
    # application (channel "counter").
    assisted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Sent with a portal's test key: processed like any other, but no notification leaves.
    is_test = models.BooleanField(default=False)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # What the applicant typed, kept as typed so that nothing is ever lost, even if invalid.
    # Answers hold 個人番号 and other identifiers: encrypted at rest (madoguchi.core.identifiers).
    raw_answers = EncryptedJSONField(default=dict, blank=True)
    # The validated, normalised answers keyed by standard item code (set on submission).
    answers = EncryptedJSONField(default=dict, blank=True)
    # Keyed hash (HMAC-SHA256, IDENTIFIER_HASH_KEY) of the applicant's 個人番号, when the form
    # asks for one: the only way to find applications by number.
    my_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    last_page = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    payload_sha256 = models.CharField(max_length=64, blank=True)
    signature_evidence = models.ForeignKey(
        "signatures.SignatureEvidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who signed and whom the application concerns (applications.parties.Parties), bound to
    # the signing certificate on submission; {} for drafts and unsigned procedures' forms that
    # name nobody.
    parties = models.JSONField(_("Parties"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("Submitted at"), null=True, blank=True)
    # Set on submission when the offering allows one application per resident or household;
    # unique, so of any number of concurrent submissions exactly one is received. Cleared when
    # the application is withdrawn, so the resident may apply again.
    dedupe_key = models.CharField(max_length=128, unique=True, null=True, blank=True)
    # SHA-256 of the signature value of the CMS this application was received with: unique, so
    # a signed envelope is received at most once, whatever Idempotency-Key, client or process
    # sends it again (docs/signing.md, "Once"). Kept when the application is withdrawn.
    signature_value_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Set when the retention period ran out and the personal data was erased
    # (applications.retention): what is left are the facts the statistics need.
    anonymised_at = models.DateTimeField(_("Personal data erased at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Application")
        verbose_name_plural = _("Applications")
        indexes = [
            models.Index(
                fields=["municipality", "status", "submitted_at"], name="application_inbox"
            ),
            models.Index(fields=["resident", "status"], name="application_resident"),
        ]

    def __str__(self) -> str:
        return self.receipt_display or f"draft {self.public_id}"

    @property
    def receipt_display(self) -> str:
        return display(self.receipt_number) if self.receipt_number else ""


class Attachment(models.Model):
    """A file uploaded for a file item; the answer holds its metadata, this row its bytes."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    item_path = models.CharField(max_length=128)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=128)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Quarantine (madoguchi.core.scanning): staff receive the bytes only once every scanner
    # found them clean; pending while a scanner could not be asked (scanned again later).
    scan_status = models.CharField(
        _("Virus scan"), max_length=16, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scan_signature = models.CharField(max_length=255, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_attempts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "item_path"], name="attachment_one_per_item"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StatusChange(models.Model):
    """The history of an application, shown to the resident and to staff."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor_label = models.CharField(max_length=150, blank=True)
    # A message to the applicant (e.g. what to correct); shown in mypage and sent by e-mail.
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status}→{self.to_status}"


class OutboxMessage(models.Model):
    """A write that must reach another system, recorded in the same transaction as its cause
    (webhooks, notifications). Delivered at least once by the task worker."""

    topic = models.CharField(max_length=64)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outbox")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class LegalHold(models.Model):
    """Staff keep an application past its retention period (訴訟・審査請求・監査…): while a hold
    is active (not released), the retention task leaves the application alone."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="holds")
    reason = models.TextField(_("Reason"))
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField(auto_now_add=True)
    released_by = models.CharField(max_length=150, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        indexes = [models.Index(fields=["application", "released_at"], name="legal_hold_active")]

    def __str__(self) -> str:
        return f"hold {self.application_id} {'released' if self.released_at else 'active'}"


class Arrival(models.Model):
    """A signed application as it arrived (到達), before it is examined (受付): one insert that
    is also the work queue. A worker claims it (SKIP LOCKED on PostgreSQL), examines it and
    records the outcome in the same transaction as the application it creates
    (docs/arrival.md, docs/adr/0011-arrival-first-14.md)."""

    number = models.CharField(_("Arrival number"), max_length=12, unique=True)
    # The handler that examines it (applications.arrivals registry): "api.signed", "web.signed".
    kind = models.CharField(max_length=32)
    state = models.CharField(
        max_length=16, choices=ArrivalState.choices, default=ArrivalState.ARRIVED
    )
    arrived_at = models.DateTimeField(_("Arrived at"), default=timezone.now)
    form_version = models.ForeignKey(
        "madoguchi_forms.FormVersion", on_delete=models.PROTECT, related_name="+"
    )
    # The signed request exactly as it arrived (answers hold 個人番号: encrypted at rest).
    envelope = EncryptedJSONField(default=dict)
    # Web journey: the draft the resident signed.
    draft = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="arrivals"
    )
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # API: the client (api.ApiClient's pk; the api app sits above this one) and its key's mode.
    client_ref = models.PositiveIntegerField(null=True, blank=True)
    mode = models.CharField(max_length=4, blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    fingerprint = models.CharField(max_length=64, blank=True)
    # The outcome: the application received — or, for a duplicate or replay, the first
    # receipt — and for 受付不可 the problem document (the same one the synchronous path gave).
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    problem = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Arrival")
        verbose_name_plural = _("Arrivals")
        indexes = [models.Index(fields=["state", "id"], name="arrival_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["client_ref", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="arrival_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return arrival_display(self.number)
