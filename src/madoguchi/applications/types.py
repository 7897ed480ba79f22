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


class ArrivalState(models.TextChoices):
    """Where a 到達 (an application recorded on arrival, not yet examined) stands."""

    ARRIVED = "arrived", _("Arrived")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Not accepted")
