"""Types of the accounts app that other apps may use: the choices stored in its models, and the
shapes other apps hand to its services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    FORM_EDITOR = "form_editor", _("Form editor")
    CASE_WORKER = "case_worker", _("Case worker")
    VIEWER = "viewer", _("Viewer")
    AUDITOR = "auditor", _("Auditor")
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    # A medical institution uploading vaccination records for the municipalities it serves
    # (madoguchi.vaccinations); no access to applications.
    CLINIC = "clinic", _("Medical institution")


class Gender(models.TextChoices):
    # Codes of ISO/IEC 5218, as used by JPKI certificates and the authentication app's claims.
    MALE = "1", _("Male")
    FEMALE = "2", _("Female")
    NOT_KNOWN = "0", _("Not known")
    NOT_APPLICABLE = "9", _("Not applicable")


class HouseholdSource(models.TextChoices):
    # Where the platform learnt who lives together (dedupe "one application per household"
    # trusts only what is recorded here; docs/identity.md).
    REGISTRY = "registry", _("Resident registry")
    DECLARED = "declared", _("Declared by the resident")
    UNCONFIRMED = "unconfirmed", _("Not confirmed (a household of one until declared)")


@dataclass(frozen=True)
class PersonRecord:
    """What a trusted source (an identity provider's verified claims, a certificate's 基本4情報)
    says about a person. Empty strings / None: the source did not say (never overwrites).
    Values exactly as given: names and addresses are not normalised."""

    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    birth_date: datetime.date | None = None
    gender: str = ""  # ISO/IEC 5218 code
    postal_code: str = ""  # 7 digits, or ""
    address: str = ""

    @property
    def is_complete(self) -> bool:
        """Enough to create a resident record: name, birth date and address."""
        return bool(self.family_name and self.birth_date and self.address)


# The fields of a person a trusted source may set, in the order the history lists them (the
# resident record and the development IdP's people carry the same ones).
PERSON_FIELDS = tuple(field.name for field in fields(PersonRecord))
