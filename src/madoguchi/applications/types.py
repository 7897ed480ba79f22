"""Types of the applications app that other apps may use: choices stored in its models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Received")
    IN_REVIEW = "in_review", _("Under review")
    RETURNED = "returned", _("Returned for correction")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("Application API")
    # Entered at the municipal counter by a case worker with the resident present (signed on
    # the counter device with the resident's own card), or a paper application registered by
    # staff (Application.assisted_by says who; docs/proxies.md).
    COUNTER = "counter", _("Counter")


class ProxyBasis(models.TextChoices):
    """Why a proxy (代理人) may apply for the person concerned (applications/proxies.py)."""

    PARENT = "parent", _("Parent of a minor child of the same household")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney (委任状)")
    CARE_MANAGER = "care_manager", _("Care manager (介護支援専門員)")


class ScanStatus(models.TextChoices):
    """An attachment's virus scan (madoguchi.core.scanning.Verdict, stored)."""

    PENDING = "pending", _("Being checked for viruses")
    CLEAN = "clean", _("No virus found")
    INFECTED = "infected", _("Virus found")


# The statuses that end an application: its retention period counts from the change to one.
DECIDED = (Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN)


class ArrivalState(models.TextChoices):
    """Where a 到達 (an application recorded on arrival, not yet examined) stands."""

    ARRIVED = "arrived", _("Arrived")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Not accepted")
