"""Prefill with consent (docs/linkage.md): the application's items that name a linkage
source are fetched through the hub once the resident agrees, filled in, and marked with their
source. Locked items keep the fetched value whatever a page posts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser

from madoguchi.applications import services as application_services
from madoguchi.audit.services import audit_record
from madoguchi.forms.rendering import ADD_ACTION, REMOVE_ACTION
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
        current=application.raw_answers,
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
    shown as text, so the post carries nothing for it; a forged post changes nothing).

    A locked group keeps exactly its fetched entries: their fetched cells are put back, a
    missing entry comes back, and an entry the post added is dropped."""
    locked = linkage_selectors.locked_answers(application_id=application.public_id)
    groups: dict[str, int] = {}
    for path, value in locked.items():
        code, index, cell = _cell(path)
        if code not in item_codes:
            continue
        if cell is None:
            raw[code] = value
            continue
        groups[code] = max(groups.get(code, 0), index + 1)
        entries = raw.get(code)
        if not isinstance(entries, list):
            entries = raw[code] = []
        while len(entries) <= index:
            entries.append({})
        if not isinstance(entries[index], dict):
            entries[index] = {}
        entries[index][cell] = value
    for code, count in groups.items():
        del raw[code][count:]


def _cell(path: str) -> tuple[str, int, str | None]:
    """children[1].child.name → ("children", 1, "child.name"); an item's own code → (code, 0,
    None)."""
    match = _CELL.fullmatch(path)
    if match is None:
        return path, 0, None
    return match["group"], int(match["index"]), match["cell"]


_CELL = re.compile(r"(?P<group>[^\[\]]+)\[(?P<index>\d+)\]\.(?P<cell>.+)")


def entry_actions_check(*, application: Application, data: Any) -> Any:
    """The post without an add or remove of a locked group's entries (the page offers neither;
    a forged one changes nothing)."""
    marks = linkage_selectors.source_marks(application_id=application.public_id)
    if not marks:
        return data
    added, removed = data.get(ADD_ACTION), data.get(REMOVE_ACTION)
    refused = []
    if added and linkage_selectors.locked_rows(marks, added):
        refused.append(ADD_ACTION)
    if removed and linkage_selectors.locked_rows(marks, _cell(f"{removed}.x")[0]):
        refused.append(REMOVE_ACTION)
    if not refused:
        return data
    kept = data.copy()
    for name in refused:
        kept.pop(name, None)
    return kept


def entry_removed(*, application: Application, data: Any) -> None:
    """After a group entry was removed: its fetched cells' marks go, later ones move up."""
    removed = data.get(REMOVE_ACTION)
    if not removed:
        return
    code, index, _cell_code = _cell(f"{removed}.x")
    posted = data.get(f"{code}.count", "0")
    if not (posted.isdigit() and index < int(posted)):
        return  # nothing was removed (raw_answers_from_post removes only a posted entry)
    linkage_services.answer_sources_entry_removed(
        application_id=application.public_id, group_code=code, index=index
    )


def sources_for(application: Application) -> dict[str, Any]:
    return dict(linkage_selectors.source_marks(application_id=application.public_id))
