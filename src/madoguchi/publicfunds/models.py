"""公金受取口座: one account per resident, registered, changed and removed with a signature by
the resident's My Number Card; every registration, change and removal is kept as an event."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .types import AccountAction, AccountType


class _AccountFields(models.Model):
    bank_code = models.CharField(_("Bank code"), max_length=4)
    bank_name = models.CharField(_("Bank"), max_length=64)
    branch_code = models.CharField(_("Branch code"), max_length=3)
    branch_name = models.CharField(_("Branch"), max_length=64)
    account_type = models.PositiveSmallIntegerField(_("Account type"), choices=AccountType.choices)
    number = models.CharField(_("Account number"), max_length=7)
    holder_kana = models.CharField(_("Account holder"), max_length=30)

    class Meta:
        abstract = True


class Account(_AccountFields):
    """The resident's current account. Unique per resident: concurrent registrations leave one."""

    resident = models.OneToOneField(
        "accounts.Resident", on_delete=models.CASCADE, related_name="public_funds_account"
    )
    registered_at = models.DateTimeField(_("Registered at"))
    changed_at = models.DateTimeField(_("Changed at"))
    signature_evidence = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("Public funds receipt account")
        verbose_name_plural = _("Public funds receipt accounts")

    def __str__(self) -> str:
        return f"{self.bank_code}-{self.branch_code} {self.number}"


class AccountEvent(_AccountFields):
    """History: what was registered, changed to, or removed, when, and the signature's evidence.
    The account fields hold the account after the event (before it, for a removal)."""

    resident = models.ForeignKey(
        "accounts.Resident", on_delete=models.CASCADE, related_name="public_funds_events"
    )
    action = models.CharField(_("Action"), max_length=16, choices=AccountAction.choices)
    at = models.DateTimeField(_("Date and time"))
    signature_evidence = models.CharField(max_length=64)
    name_warning_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["resident", "-at"], name="publicfunds_event_resident")]

    def __str__(self) -> str:
        return f"{self.action} {self.resident_id} {self.at:%Y-%m-%d}"
