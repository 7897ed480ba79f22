"""Types of the catalog app that other apps may use: choices stored in its models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationLimit(models.TextChoices):
    NONE = "", _("No limit")
    RESIDENT = "resident", _("One application per resident")
    HOUSEHOLD = "household", _("One application per household")
