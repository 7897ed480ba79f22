"""Reads of the counter pages, always scoped to the staff member's municipalities (the scoping
the reception console uses: reception.access, ability PROCESS)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from madoguchi.accounts import selectors as account_selectors
from madoguchi.applications import selectors as application_selectors
from madoguchi.applications.types import Status
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.forms import selectors as form_selectors
from madoguchi.signatures.holder import name_key

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.applications.models import Application
    from madoguchi.forms.models import FormVersion


def residents_found(
    *,
    municipality_codes: set[str],
    family_name: str,
    given_name: str,
    birth_date: datetime.date,
) -> list[Resident]:
    """Residents of these municipalities with exactly this name (as written; whitespace
    ignored, no folding: 髙 is not 高) and date of birth."""
    wanted = name_key(f"{family_name}{given_name}")
    return [
        resident
        for resident in account_selectors.residents_of(
            municipality_codes=municipality_codes, birth_date=birth_date
        )
        if name_key(resident.name) == wanted
    ]


def resident_in_scope(*, municipality_codes: set[str], subject: uuid.UUID) -> Resident | None:
    resident = account_selectors.resident_get(subject=subject)
    if resident is None or resident.municipality_id not in municipality_codes:
        return None
    return resident


@dataclass(frozen=True)
class CounterForm:
    version: FormVersion
    name: str
    online: bool  # False: a counter-only procedure (paper registration)


def counter_forms(*, municipality_code: str) -> list[CounterForm]:
    """The newest published form of each procedure of the municipality, by procedure name."""
    newest: dict[str, FormVersion] = {}
    for version in form_selectors.published_form_versions(
        municipality_codes=[municipality_code]
    ).order_by("procedure_code", "number"):
        newest[version.procedure_code] = version
    forms = []
    for code, version in newest.items():
        procedure = catalog_selectors.procedure_get(code=code)
        offering = catalog_selectors.offering_get(
            municipality_code=municipality_code, procedure_code=code
        )
        forms.append(
            CounterForm(
                version=version,
                name=procedure.name if procedure else str(version.definition["title"]),
                online=bool(offering and offering.online),
            )
        )
    return sorted(forms, key=lambda form: form.name)


def counter_drafts(*, resident: Resident) -> list[Application]:
    """Counter applications of this resident not received yet (to carry on with)."""
    return [
        application
        for application in application_selectors.applications_for_resident(resident=resident)
        if application.status == Status.DRAFT and application.channel == "counter"
    ]
