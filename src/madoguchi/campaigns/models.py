"""Benefit campaigns (給付事業): the campaign and its rule, one entitlement per household,
approval batches (four eyes), payments and transfer files, background jobs with progress.

The one-per-household guarantee is the database's (docs/adr, campaigns): an entitlement is
unique per (campaign, household); a confirmation is a conditional UPDATE of that row (so two
devices give one confirmation); a live payment is unique per entitlement.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from madoguchi.core.identifiers import EncryptedJSONField

from .types import (
    Applicant,
    CampaignState,
    Decision,
    EntitlementState,
    Flag,
    JobKind,
    JobState,
    Method,
    PaymentState,
    Rule,
    Unit,
)


class Campaign(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None = a national campaign, run in every municipality with registered residents.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("Name of the benefit"), max_length=128)
    base_date = models.DateField(_("Base date (基準日)"))
    unit = models.CharField(_("Unit"), max_length=16, choices=Unit.choices, default=Unit.HOUSEHOLD)
    age_min = models.PositiveSmallIntegerField(_("Age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("Age to"), null=True, blank=True)
    tax_exempt = models.BooleanField(_("Only those exempt from resident tax"), default=False)
    amount_per_household = models.PositiveIntegerField(_("Amount per household (yen)"), default=0)
    amount_per_person = models.PositiveIntegerField(_("Amount per person (yen)"), default=0)
    amount_per_child = models.PositiveIntegerField(_("Amount per child (yen)"), default=0)
    child_age_under = models.PositiveSmallIntegerField(_("A child is under (age)"), default=18)
    applicant = models.CharField(
        _("Who may confirm"),
        max_length=16,
        choices=Applicant.choices,
        default=Applicant.HOUSEHOLDER,
    )
    opens_on = models.DateField(_("Confirmation opens on"))
    closes_on = models.DateField(_("Confirmation closes on"))
    state = models.CharField(
        max_length=16, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> Rule:
        return Rule(
            base_date=self.base_date,
            unit=self.unit,
            age_min=self.age_min,
            age_max=self.age_max,
            tax_exempt=self.tax_exempt,
            amount_per_household=self.amount_per_household,
            amount_per_person=self.amount_per_person,
            amount_per_child=self.amount_per_child,
            child_age_under=self.child_age_under,
            applicant=self.applicant,
        )

    @property
    def frozen(self) -> bool:
        return self.state == CampaignState.PUSHED


class ApprovalBatch(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    municipality_code = models.CharField(max_length=6)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)
    amount = models.PositiveBigIntegerField(default=0)
    # Withdrawn before its approval: its entitlements went back to wait for a new batch.
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="approval_batch_approved_or_withdrawn",
            ),
            # Four eyes, in the database too: nobody confirms their own batch.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("requested_by")),
                name="approval_batch_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk}"


class PaymentFile(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="payment_files")
    municipality_code = models.CharField(max_length=6)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    transfer_date = models.DateField()
    # The payer (委託者) and its account, as written in the header record.
    payer = models.JSONField()
    count = models.PositiveIntegerField(default=0)
    amount = models.PositiveBigIntegerField(default=0)
    # The file's life: first downloaded, marked as sent to the bank (then never cancelled),
    # or cancelled (its payments voided, the entitlements wait for a new file).
    downloaded_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="payment_file_sent_or_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"payment file {self.public_id}"

    @property
    def open(self) -> bool:
        """Neither sent nor cancelled: it may still be cancelled or marked as sent."""
        return self.sent_at is None and self.cancelled_at is None


class Entitlement(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entitlements")
    municipality_code = models.CharField(max_length=6)
    household = models.ForeignKey("accounts.Household", on_delete=models.PROTECT, related_name="+")
    # The resident who is notified and, under the householder rule, the only one who may confirm.
    applicant = models.ForeignKey("accounts.Resident", on_delete=models.PROTECT, related_name="+")
    persons = models.PositiveSmallIntegerField(default=0)
    children = models.PositiveSmallIntegerField(default=0)
    amount = models.PositiveIntegerField()
    state = models.CharField(
        max_length=16, choices=EntitlementState.choices, default=EntitlementState.ELIGIBLE
    )
    flag = models.CharField(max_length=16, choices=Flag.choices, default=Flag.NONE, blank=True)
    # The registry date of the change the flag is for (moved out on, died on).
    flag_since = models.DateField(null=True, blank=True)
    # Staff's decision on a flagged household: pay (into approval as usual) or not, with why.
    decision = models.CharField(
        max_length=16, choices=Decision.choices, default=Decision.NONE, blank=True
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    # The account the money goes to, as confirmed (bank, branch, type, number, holder kana).
    account = EncryptedJSONField(null=True, blank=True)
    evidence_id = models.UUIDField(null=True, blank=True)  # signatures.SignatureEvidence.public_id
    batch = models.ForeignKey(
        ApprovalBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="entitlements"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"], name="entitlement_one_per_household"
            ),
            # 支給しない always says why (the form asks for it; the database insists).
            models.CheckConstraint(
                condition=~Q(decision=Decision.REFUSE) | ~Q(decision_reason=""),
                name="entitlement_refusal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "municipality_code", "state"])]

    def __str__(self) -> str:
        return f"entitlement {self.pk}"

    @property
    def customer_code(self) -> str:
        """顧客コード1 of the transfer record: the entitlement's number, 10 digits."""
        return f"{self.pk:010d}"


class Payment(models.Model):
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="payments")
    payment_file = models.ForeignKey(PaymentFile, on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=PaymentState.choices, default=PaymentState.PAID)
    failed_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=4, blank=True)
    reason = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One payment per household: a second can only follow a failed or voided one.
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=~Q(state__in=[PaymentState.FAILED, PaymentState.VOIDED]),
                name="payment_one_live_per_entitlement_2",
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.pk}"


class CampaignJob(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=16, choices=JobKind.choices)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.state}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0
