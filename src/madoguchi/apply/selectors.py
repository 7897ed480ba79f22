"""Reads for the resident application flow, always scoped to the signed-in resident."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from madoguchi.applications import selectors as application_selectors
from madoguchi.applications.types import Status
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.catalog.i18n import procedure_text

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.applications.models import Application, StatusChange
    from madoguchi.catalog.models import Offering, Procedure
    from madoguchi.forms.models import FormVersion

# After these, the municipality has started processing: the resident can no longer withdraw.
WITHDRAWABLE = {Status.SUBMITTED, Status.RETURNED}


def resident_application(*, resident: Resident, public_id: uuid.UUID | str) -> Application | None:
    """One of the resident's own applications (None for anyone else's: the view answers 404)."""
    return application_selectors.application_for_resident(
        resident=resident, public_id=str(public_id)
    )


@dataclass(frozen=True)
class ProcedureContext:
    procedure: Procedure | None
    offering: Offering | None

    @property
    def name(self) -> str:
        if self.procedure is None:
            return ""
        return procedure_text(self.procedure.code, "name") or self.procedure.name


def procedure_context(*, form_version: FormVersion) -> ProcedureContext:
    """The catalog's procedure and the municipality's offering (fees, attachments, contact)."""
    procedure = catalog_selectors.procedure_get(code=form_version.procedure_code)
    offering = (
        catalog_selectors.offering_for(procedure=procedure, municipality=form_version.municipality)
        if procedure is not None
        else None
    )
    return ProcedureContext(procedure=procedure, offering=offering)


def application_blocking(*, resident: Resident, form_version: FormVersion) -> Application | None:
    """The received application (the resident's own or a household member's) that the
    offering's one-per-resident/household limit holds against a new one, if any."""
    return application_selectors.application_existing_for_limit(
        resident=resident,
        municipality_code=form_version.municipality_id,
        procedure_code=form_version.procedure_code,
    )


def resident_draft_for(*, resident: Resident, form_version: FormVersion) -> Application | None:
    return (
        application_selectors.applications_for_resident(resident=resident)
        .filter(form_version=form_version, status=Status.DRAFT)
        .first()
    )


@dataclass
class Mypage:
    drafts: list[Application]
    returned: list[Application]
    received: list[Application]


def mypage_for(*, resident: Resident) -> Mypage:
    applications = list(
        application_selectors.applications_with_history_for_resident(resident=resident)
    )
    return Mypage(
        drafts=[a for a in applications if a.status == Status.DRAFT],
        returned=[a for a in applications if a.status == Status.RETURNED],
        received=[a for a in applications if a.status not in {Status.DRAFT, Status.RETURNED}],
    )


def latest_message(*, application: Application) -> StatusChange | None:
    """The newest message from the municipality (what to correct, why it was rejected).
    Reads the history through `.all()` so that mypage's prefetch answers it."""
    with_message = [change for change in application.history.all() if change.message]
    return max(with_message, key=lambda change: (change.at, change.pk), default=None)


def procedure_names(*, codes: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for code in codes:
        procedure = catalog_selectors.procedure_get(code=code)
        if procedure is not None:
            names[code] = procedure_text(code, "name") or procedure.name
    return names
