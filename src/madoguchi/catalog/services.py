"""Writes to the procedure catalog."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from madoguchi.audit.services import audit_record
from madoguchi.catalog.models import LifeEvent, Offering, Procedure
from madoguchi.catalog.types import ApplicationLimit
from madoguchi.core.records import changed_fields_save
from madoguchi.municipalities import selectors as municipality_selectors

DATA = Path(__file__).parent / "data"


@dataclass
class CatalogLoadResult:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"catalog: created={self.created} updated={self.updated}"


def _upsert(
    model: Any, key: dict[str, Any], values: dict[str, Any], result: CatalogLoadResult
) -> Any:
    instance = model.objects.filter(**key).first()
    if instance is None:
        result.created += 1
        return model.objects.create(**key, **values)
    result.updated += int(changed_fields_save(instance, values))
    return instance


@transaction.atomic
def catalog_load() -> CatalogLoadResult:
    """Load life events and the standard procedures from data/; a second run changes nothing."""
    result = CatalogLoadResult()
    for event in json.loads((DATA / "life_events.json").read_text(encoding="utf-8")):
        _upsert(
            LifeEvent,
            {"code": event["code"]},
            {"name": event["name"], "order": event["order"]},
            result,
        )
    for order, item in enumerate(json.loads((DATA / "procedures.json").read_text("utf-8"))):
        created_before = result.created
        procedure = _upsert(
            Procedure,
            {"code": item["code"]},
            {
                "name": item["name"],
                "kana": item["kana"],
                "summary": item["summary"],
                "category": item["category"],
                "level": item["level"],
                "legal_basis": item["legal_basis"],
                "signature_required": item["signature_required"],
                "keywords": item["keywords"],
                "order": order,
            },
            result,
        )
        wanted = set(item["life_events"])
        current = set(procedure.life_events.values_list("code", flat=True))
        if wanted != current:
            procedure.life_events.set(wanted)
            result.updated += int(result.created == created_before)
    return result


@transaction.atomic
def offering_upsert(
    *, municipality_code: str, procedure_code: str, **values: Any
) -> tuple[Offering, bool]:
    """Create or update an offering; returns (offering, changed)."""
    offering, created = Offering.objects.get_or_create(
        municipality_id=municipality_code, procedure_id=procedure_code, defaults=values
    )
    if created:
        return offering, True
    return offering, changed_fields_save(offering, values)


def offering_set_online(
    *, municipality_code: str, procedure_code: str, form_version_ref: str
) -> Offering | None:
    """Called when a form is published: the procedure becomes applicable online there.

    A form for a procedure the catalog does not list (not loaded yet, e.g. in a bare test
    database) has no offering to update; it stays reachable by its version id only.
    """
    if not Procedure.objects.filter(code=procedure_code).exists():
        return None
    offering, _ = offering_upsert(
        municipality_code=municipality_code,
        procedure_code=procedure_code,
        online=True,
        form_version_ref=form_version_ref,
    )
    return offering


class OfferingError(ValueError):
    """A change to an offering the catalog refuses, with a Japanese message for the person."""


def offering_limit_set(
    *,
    municipality_code: str,
    procedure_code: str,
    limit: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Offering:
    """Allow any number of applications, one per resident, or one per household.

    Only applications received from now on carry the dedupe key, so a change never touches
    existing applications. Saved with `.save()` so that the post_save signal (catalog.apps)
    bumps the limits' generation in this transaction, and every process sees the change at its
    next lookup; the audit event shares the transaction, so
    the change and its record stand or fall together. Raises OfferingError.
    """
    if limit not in ApplicationLimit.values:
        raise OfferingError(_("Choose one of the application limits."))
    return _offering_field_set(
        municipality_code=municipality_code,
        procedure_code=procedure_code,
        field="application_limit",
        value=limit,
        action="offering.limit_changed",
        actor=actor,
    )


def offering_retention_set(
    *,
    municipality_code: str,
    procedure_code: str,
    years: int | None,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Offering:
    """Set the municipality's own retention period (years after the decision) for a procedure,
    or None to follow the standard one. Audited. Raises OfferingError."""
    if years is not None and not 1 <= years <= 100:
        raise OfferingError(_("Enter a retention period of 1 to 100 years."))
    return _offering_field_set(
        municipality_code=municipality_code,
        procedure_code=procedure_code,
        field="retention_years",
        value=years,
        action="offering.retention_changed",
        actor=actor,
    )


def _offering_field_set(
    *,
    municipality_code: str,
    procedure_code: str,
    field: str,
    value: object,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Offering:
    """Change one setting of an offering (created if the procedure and municipality exist),
    saved with `.save()` so its signals run, and audit `action` with the old and new value in
    the same transaction. Setting the same value again records nothing. Raises OfferingError."""
    if not Procedure.objects.filter(code=procedure_code).exists():
        raise OfferingError(
            _("There is no procedure with the code “%(code)s”.") % {"code": procedure_code}
        )
    if municipality_selectors.municipality_get(code=municipality_code) is None:
        raise OfferingError(
            _("There is no municipality with the code “%(code)s”.") % {"code": municipality_code}
        )
    with transaction.atomic():
        offering, _created = Offering.objects.select_for_update().get_or_create(
            municipality_id=municipality_code, procedure_id=procedure_code
        )
        previous = getattr(offering, field)
        if previous == value:
            return offering
        setattr(offering, field, value)
        offering.save(update_fields=[field, "updated_at"])
        audit_record(
            action=action,
            actor=actor,
            municipality_code=municipality_code,
            object_type="catalog.offering",
            object_id=str(offering.pk),
            data={"procedure_code": procedure_code, "from": previous, "to": value},
        )
    return offering


def offering_set_offline(*, municipality_code: str, procedure_code: str) -> None:
    Offering.objects.filter(municipality_id=municipality_code, procedure_id=procedure_code).update(
        online=False, form_version_ref=""
    )


@transaction.atomic
def catalog_demo_offerings_load() -> CatalogLoadResult:
    """Offerings of 千代田区 (municipal procedures) and 東京都 (prefectural ones) with contact,
    fees, deadlines and attachments. Whether each is online is decided by publishing its form."""
    result = CatalogLoadResult()
    for item in json.loads((DATA / "demo_offerings.json").read_text(encoding="utf-8")):
        _upsert(
            Offering,
            {"municipality_id": item["municipality"], "procedure_id": item["procedure"]},
            {
                field: item[field]
                for field in ("contact", "fees", "deadline", "attachments", "notes")
            },
            result,
        )
    return result
