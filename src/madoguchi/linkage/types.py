"""Types other apps may use: the item catalogue's shapes, the 事務 (administrative tasks) with
their legal basis, exchange outcomes and the errors the hub raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """A data category: one holder kind, one OAuth scope of the self-information API."""

    RESIDENT = "resident", _("Resident registry")
    TAX = "tax", _("Local tax")
    CHILD_ALLOWANCE = "child_allowance", _("Child allowance")


class AgencyKind(models.TextChoices):
    HUB = "hub", _("Hub")
    MUNICIPAL = "municipal", _("Municipal department")
    NATIONAL = "national", _("National body")


class Side(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    HOLDER = "holder", _("Holder")


class Outcome(models.TextChoices):
    PROVIDED = "provided", _("Provided")
    DENIED = "denied", _("Refused by the access list")
    UNAVAILABLE = "unavailable", _("Holder did not answer")
    REJECTED = "rejected", _("Response signature rejected")
    UNKNOWN_PERSON = "unknown_person", _("Person not known to the holder")


@dataclass(frozen=True)
class ItemSpec:
    """One data item of the catalogue (like a 情報提供用個別事務 data layout entry).

    `field_type` is the form field type whose stored value the holder returns, so a form item
    may name the item as its source only if the types agree."""

    code: str
    label: Any  # a lazy translation
    category: str
    field_type: str
    # For a list of people (field_type "group"): each row's fields and the form field type of
    # each, e.g. (("name", "name"), ("birth_date", "date")). A group item maps its row items
    # onto them (docs/forms.md, "Linkage sources").
    row_fields: tuple[tuple[str, str], ...] = ()

    @property
    def is_rows(self) -> bool:
        return self.field_type == "group"

    def row_field_type(self, name: str) -> str | None:
        return dict(self.row_fields).get(name)


@dataclass(frozen=True)
class Jimu:
    """An administrative task (事務) for which data may be asked, with its legal basis."""

    code: str
    label: Any
    legal_basis: Any
    # The requesting department (agency code suffix) and the procedures it serves.
    department: str
    procedures: tuple[str, ...] = ()


@dataclass
class Fetched:
    """What one exchange gave the requester: values by item code, and the exchange's id."""

    exchange_id: str
    holder_code: str
    holder_name: str
    values: dict[str, Any] = field(default_factory=dict)


class LinkageError(Exception):
    """A refused or failed exchange; `message` is for the resident or staff (Japanese),
    `outcome` what the exchange records say."""

    outcome: str = Outcome.UNAVAILABLE

    def __init__(self, message: str, *, exchange_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.exchange_id = exchange_id


class AccessDenied(LinkageError):
    outcome = Outcome.DENIED


class HolderUnavailable(LinkageError):
    outcome = Outcome.UNAVAILABLE


class SignatureRejected(LinkageError):
    outcome = Outcome.REJECTED


class UnknownPerson(LinkageError):
    outcome = Outcome.UNKNOWN_PERSON


class ReplayedRequest(LinkageError):
    outcome = Outcome.REJECTED


@dataclass(frozen=True)
class RegistryPerson:
    """One member of a household as the 住民基本台帳 and 地方税 holders know them, for a
    benefit's 基準日 (selectors.registry_households_at)."""

    resident_id: int
    birth_date: Any  # datetime.date
    is_householder: bool
    recorded: bool  # recorded in the registry on the day asked about
    moved_in_on: Any = None  # datetime.date | None
    moved_out_on: Any = None
    deceased_on: Any = None
    # 住民税: True = taxed, False = not taxed (非課税), None = not asked / no assessment.
    taxable: bool | None = None


@dataclass(frozen=True)
class RegistryHousehold:
    household_id: int
    members: tuple[RegistryPerson, ...]
