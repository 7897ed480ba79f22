"""Types of the accounts app that other apps may use: choices stored in its models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    FORM_EDITOR = "form_editor", _("Form editor")
    CASE_WORKER = "case_worker", _("Case worker")
    VIEWER = "viewer", _("Viewer")
    AUDITOR = "auditor", _("Auditor")
    NATIONAL_ADMIN = "national_admin", _("National administrator")


class Gender(models.TextChoices):
    # Codes of ISO/IEC 5218, as used by JPKI certificates and the authentication app's claims.
    MALE = "1", _("Male")
    FEMALE = "2", _("Female")
    NOT_KNOWN = "0", _("Not known")
    NOT_APPLICABLE = "9", _("Not applicable")
