"""Choices and value types of benefit campaigns (給付事業) that other apps may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    HOUSEHOLD = "household", _("Household (the household qualifies as a whole)")
    PERSON = "person", _("Person (each qualifying member counts)")


class Applicant(models.TextChoices):
    HOUSEHOLDER = "householder", _("The head of household")
    ANY_ADULT = "any_adult", _("Any adult of the household")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPUTED = "computed", _("Eligibility computed")
    PUSHED = "pushed", _("Notified (frozen)")


class EntitlementState(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOTIFIED = "notified", _("Notified")
    CONFIRMED = "confirmed", _("Confirmed")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid (in a transfer file)")
    FAILED = "failed", _("Transfer failed")


class Method(models.TextChoices):
    PUBLIC_FUNDS = "public_funds", _("Public funds receiving account")
    FORM = "form", _("Bank account entered on the form")


class Flag(models.TextChoices):
    NONE = "", _("None")
    MOVED_OUT = "moved_out", _("A member moved out after the base date")
    DECEASED = "deceased", _("A member died after the base date")


class PaymentState(models.TextChoices):
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    VOIDED = "voided", _("Voided (the transfer file was cancelled)")


class Decision(models.TextChoices):
    """Staff's decision on a flagged household (a registry change since the 基準日)."""

    NONE = "", _("Not decided")
    PAY = "pay", _("Pay (支給する)")
    REFUSE = "refuse", _("Do not pay (支給しない)")


class JobKind(models.TextChoices):
    COMPUTE = "compute", _("Compute eligibility")
    PUSH = "push", _("Send the notices")
    FLAGS = "flags", _("Check registry changes")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A resident may confirm in these states (FAILED: the transfer failed, a new account is asked).
OPEN_STATES = (EntitlementState.NOTIFIED, EntitlementState.FAILED)


@dataclass(frozen=True)
class Rule:
    """The eligibility and amount rule of a campaign (rules.assess applies it)."""

    base_date: object  # datetime.date
    unit: str = Unit.HOUSEHOLD
    age_min: int | None = None
    age_max: int | None = None
    tax_exempt: bool = False
    amount_per_household: int = 0
    amount_per_person: int = 0
    amount_per_child: int = 0
    child_age_under: int = 18
    applicant: str = Applicant.HOUSEHOLDER


@dataclass(frozen=True)
class Assessment:
    eligible: bool
    reason: str = ""  # why not (Japanese), for the resident and for staff
    persons: int = 0
    children: int = 0
    amount: int = 0
    applicant_id: int | None = None  # the resident who is notified and may confirm


@dataclass(frozen=True)
class Counts:
    eligible: int = 0
    notified: int = 0
    confirmed: int = 0
    applied: int = 0
    flagged: int = 0
    approved: int = 0
    paid: int = 0
    failed: int = 0
    amount_eligible: int = 0
    amount_paid: int = 0
