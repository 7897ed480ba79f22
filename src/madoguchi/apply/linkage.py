"""Prefill with consent (docs/linkage.md): the application's items that name a linkage
source are fetched through the hub once the resident agrees, filled in, and marked with their
source. Locked items keep the fetched value whatever a page posts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser

from madoguchi.applications import services as application_services
from madoguchi.audit.services import audit_record
from madoguchi.linkage import selectors as linkage_selectors
from madoguchi.linkage import services as linkage_services

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.applications.models import Application
    from madoguchi.linkage.selectors import Plan


def plan_for(application: Application) -> Plan | None:
    """What the consent offer lists; None when the form names no source or the municipality is
    not connected to the hub."""
    version = application.form_version
    if not linkage_selectors.municipality_connected(municipality_code=version.municipality_id):
        return None
    return linkage_selectors.prefill_plan(
        definition=version.definition, procedure_code=version.procedure_code
    )


def prefill_apply(
    *, application: Application, resident: Resident, user: AbstractBaseUser
) -> linkage_services.PrefillResult:
    """Fetch, fill and record (the resident has consented). Failed holders leave their items
    as they were."""
    version = application.form_version
    result = linkage_services.prefill_fetch(
        application_id=application.public_id,
        definition=version.definition,
        procedure_code=version.procedure_code,
        municipality_code=resident.municipality_id,
        subject=resident.subject,
    )
    if result.values:
        application_services.application_answers_save(
            application=application, answers=result.values
        )
    audit_record(
        action="linkage.prefilled",
        actor=user,
        municipality_code=application.municipality_id,
        object_type="application",
        object_id=str(application.public_id),
        data={
            "items": sorted(result.values),
            "exchanges": result.exchanges,
            "failed_holders": len(result.failures),
        },
    )
    return result


def locked_restore(*, application: Application, raw: dict[str, Any], item_codes: set[str]) -> None:
    """Put the fetched value back on locked items of the page just posted (a locked item is
    shown as text, so the post carries nothing for it; a forged post changes nothing)."""
    for code, value in linkage_selectors.locked_answers(
        application_id=application.public_id
    ).items():
        if code in item_codes:
            raw[code] = value


def sources_for(application: Application) -> dict[str, Any]:
    return dict(linkage_selectors.source_marks(application_id=application.public_id))
