"""Writes of the linkage app: the demo hub (agencies, keys, access list, holder records), and
prefilling an application's items from the holders with the resident's consent."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from madoguchi.accounts import selectors as account_selectors
from madoguchi.accounts.demo import demo_resident_subject
from madoguchi.municipalities import selectors as municipality_selectors

from . import hub, jose
from .catalogue import (
    ACCESS,
    DEPARTMENT_NAMES,
    HOLDER_DEPARTMENT,
    HUB_NAME,
    ITEMS,
    JIMU,
    PORTAL_NAME,
    holder_agency_code,
    requester_agency_code,
)
from .holders import HUB
from .models import AccessRule, Agency, AnswerSource, HolderRecord
from .registry import (  # the bulk 住民基本台帳/地方税 read (registry.py)
    residency_set as residency_set,
)
from .registry import tax_status_set as tax_status_set
from .selectors import PlanGroup, PlanRow, cell_path, prefill_plan
from .types import AgencyKind, Category, LinkageError, Outcome

DEMO_RECORDS = Path(__file__).parent / "data" / "demo.json"


def agency_ensure(*, code: str, name: str, kind: str, municipality_code: str = "") -> Agency:
    """The agency, created with a fresh Ed25519 key pair the first time (keys are kept)."""
    agency = Agency.objects.filter(code=code).first()
    if agency is not None:
        return agency
    public, private = jose.key_generate()
    return Agency.objects.create(
        code=code,
        name=name,
        kind=kind,
        municipality_code=municipality_code,
        public_jwk=public,
        private_jwk=private,
    )


def access_rule_set(
    *, requester: Agency, holder: Agency, jimu: str, items: Iterable[str]
) -> AccessRule:
    rule, _created = AccessRule.objects.update_or_create(
        requester=requester,
        holder=holder,
        jimu=jimu,
        defaults={"items": sorted(set(items)), "legal_basis": str(JIMU[jimu].legal_basis)},
    )
    return rule


def municipality_agencies_ensure(*, municipality_code: str) -> None:
    """The departments of one municipality, as requesters and holders, and its access list."""
    municipality = municipality_selectors.municipality_get(code=municipality_code)
    prefix = municipality.full_name if municipality is not None else municipality_code
    agencies = {
        department: agency_ensure(
            code=f"{municipality_code}-{department}",
            name=f"{prefix} {label}",
            kind=AgencyKind.MUNICIPAL,
            municipality_code=municipality_code,
        )
        for department, label in DEPARTMENT_NAMES.items()
    }
    portal = agency_ensure(code="portal", name=PORTAL_NAME, kind=AgencyKind.NATIONAL)
    for jimu_code, allowed in ACCESS.items():
        jimu = JIMU[jimu_code]
        requester = portal if jimu.department == "portal" else agencies[jimu.department]
        for category, department in HOLDER_DEPARTMENT.items():
            items = [code for code in allowed if ITEMS[code].category == category]
            if items:
                access_rule_set(
                    requester=requester, holder=agencies[department], jimu=jimu_code, items=items
                )


@transaction.atomic
def linkage_demo_load(*, path: Path = DEMO_RECORDS) -> int:
    """The hub, the agencies of every municipality with registered residents, the access list,
    and the demo 地方税/児童手当 records of the synthetic residents. Idempotent; returns how many
    holder records were written."""
    agency_ensure(code=HUB, name=HUB_NAME, kind=AgencyKind.HUB)
    codes = set(account_selectors.resident_list().values_list("municipality_id", flat=True))
    for municipality_code in sorted(codes):
        municipality_agencies_ensure(municipality_code=municipality_code)
    data = json.loads(path.read_text(encoding="utf-8"))
    written = 0
    for category in (Category.TAX, Category.CHILD_ALLOWANCE):
        for key, record in data[category].items():
            resident = account_selectors.resident_get(subject=demo_resident_subject(key))
            if resident is None:
                continue
            holder = Agency.objects.get(code=holder_agency_code(resident.municipality_id, category))
            person_code = hub.code_for(agency=holder, subject=resident.subject)
            HolderRecord.objects.update_or_create(
                holder=holder, person_code=person_code, defaults={"data": record}
            )
            written += 1
    return written


# --- prefill with consent ---------------------------------------------------------------------


@dataclass
class PrefillResult:
    values: dict[str, Any] = field(default_factory=dict)  # form item code → value
    failures: list[str] = field(default_factory=list)  # one message per holder that failed
    exchanges: list[str] = field(default_factory=list)


def _fetch_group(
    *,
    group: PlanGroup,
    municipality_code: str,
    subject: uuid.UUID,
    jimu_code: str,
    initiated_by: str,
) -> tuple[dict[str, Any], str, str]:
    jimu = JIMU[jimu_code]
    requester = Agency.objects.filter(code=requester_agency_code(municipality_code, jimu)).first()
    holder = Agency.objects.filter(
        code=holder_agency_code(municipality_code, group.category)
    ).first()
    if requester is None or holder is None:
        raise LinkageError(
            _("%(holder)s is not connected for this municipality.") % {"holder": group.holder_name}
        )
    fetched = hub.exchange(
        requester=requester,
        holder=holder,
        subject=subject,
        items=sorted({row.source_item for row in group.rows}),
        jimu=jimu_code,
        initiated_by=initiated_by,
    )
    return fetched.values, fetched.exchange_id, fetched.holder_name


def prefill_fetch(
    *,
    application_id: uuid.UUID,
    definition: dict[str, Any],
    procedure_code: str,
    municipality_code: str,
    subject: uuid.UUID,
    initiated_by: str = "resident",
    current: Mapping[str, Any] | None = None,
) -> PrefillResult:
    """Ask each holder the form names for its items (the resident has consented), record which
    exchange supplied which answer, and return the answers. A holder that fails is named in
    `failures` and its items are left as they were (the resident fills them by hand).

    A group item gets one entry per person the holder lists; `current` (the draft's raw
    answers) keeps what the resident typed: their other items of an entry for the same person,
    and — unless the group is locked — the entries of people the holder did not list."""
    plan = prefill_plan(definition=definition, procedure_code=procedure_code)
    result = PrefillResult()
    if plan is None:
        return result
    for group in plan.groups:
        try:
            values, exchange_id, holder_name = _fetch_group(
                group=group,
                municipality_code=municipality_code,
                subject=subject,
                jimu_code=plan.jimu.code,
                initiated_by=initiated_by,
            )
        except LinkageError as error:
            result.failures.append(
                _("Could not get the items from %(holder)s: %(reason)s")
                % {"holder": group.holder_name, "reason": error.message}
            )
            continue
        result.exchanges.append(exchange_id)
        for row in group.rows:
            value = values.get(row.source_item)
            if value is None:
                continue
            cells = {row.item_code: value}
            if row.is_group:
                entries, cells = _rows_fill(row, value, (current or {}).get(row.item_code))
                if not entries:
                    continue  # nobody listed: the resident fills the group by hand
                value = entries
                AnswerSource.objects.filter(
                    application_id=application_id, item_code__startswith=f"{row.item_code}["
                ).delete()
            result.values[row.item_code] = value
            for item_code, cell_value in cells.items():
                AnswerSource.objects.update_or_create(
                    application_id=application_id,
                    item_code=item_code,
                    defaults={
                        "source_item": row.source_item,
                        "exchange_id": uuid.UUID(exchange_id),
                        "holder_name": holder_name,
                        "locked": row.locked,
                        "value": cell_value,
                    },
                )
    return result


def _blank(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return value in (None, "", False)


def _same_person(entry: Mapping[str, Any], mapped: Mapping[str, Any], name_code: str) -> bool:
    typed, listed = entry.get(name_code), mapped.get(name_code)
    if not isinstance(typed, Mapping) or not isinstance(listed, Mapping):
        return False
    return all(
        str(typed.get(part, "")).strip() == str(listed.get(part, "")).strip()
        for part in ("family", "given")
    )


def _rows_fill(
    row: PlanRow, listed: Any, typed: Any
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The group's entries — one per listed person, first, then (not locked) the resident's
    own entries for anyone else — and the fetched cells by path."""
    people = [p for p in listed if isinstance(p, Mapping)] if isinstance(listed, list) else []
    limit = row.max_rows or len(people)
    mapped = [
        {code: person[field] for code, field in row.fields if person.get(field) is not None}
        for person in people[:limit]
    ]
    existing = [dict(e) for e in typed if isinstance(e, Mapping)] if isinstance(typed, list) else []
    existing = [e for e in existing if not _blank(e)]
    name_code = next((code for code, field in row.fields if field == "name"), "")
    entries: list[dict[str, Any]] = []
    cells: dict[str, Any] = {}
    for index, person in enumerate(mapped):
        match = next(
            (e for e in existing if name_code and _same_person(e, person, name_code)), None
        )
        if match is not None:
            existing.remove(match)
        entries.append({**(match or {}), **person})
        cells.update({cell_path(row.item_code, index, code): v for code, v in person.items()})
    if not row.locked:
        entries += existing[: max(limit - len(entries), 0)]
    return entries, cells


def answer_sources_entry_removed(*, application_id: uuid.UUID, group_code: str, index: int) -> None:
    """The resident removed entry `index` of a group (not locked): its fetched cells are no
    longer answers, and the marks of the entries after it move up one place."""
    prefix = f"{group_code}["
    sources = list(
        AnswerSource.objects.filter(
            application_id=application_id, item_code__startswith=prefix
        ).order_by("item_code")
    )
    moved: list[tuple[int, str, AnswerSource]] = []
    for source in sources:
        at, _bracket, tail = source.item_code[len(prefix) :].partition("].")
        if not at.isdigit():
            continue
        if int(at) == index:
            source.delete()
        elif int(at) > index:
            moved.append((int(at), tail, source))
    # In entry order, so that each new path is free when it is taken.
    for position, cell, source in sorted(moved, key=lambda row: row[0]):
        AnswerSource.objects.filter(pk=source.pk).update(
            item_code=cell_path(group_code, position - 1, cell)
        )


# --- self-information (わたしの情報) -------------------------------------------------------------


@dataclass
class SelfInformation:
    category: str
    holder_name: str
    values: dict[str, Any] = field(default_factory=dict)  # catalogue item code → value
    error: str = ""
    exchange_id: str = ""
    outcome: str = ""  # the exchange's outcome when it failed (types.Outcome), else ""


def self_information_fetch(
    *,
    subject: uuid.UUID,
    municipality_code: str,
    categories: Iterable[str] | None = None,
    initiated_by: str = "self",
) -> list[SelfInformation]:
    """The person's own information, live from each holder through the hub, asked by the
    portal for the 事務 "self-information" (every exchange is recorded like any other)."""
    portal = Agency.objects.filter(code="portal").first()
    wanted = list(categories) if categories is not None else list(Category.values)
    out: list[SelfInformation] = []
    for category in wanted:
        if category not in HOLDER_DEPARTMENT:
            continue
        holder = Agency.objects.filter(code=holder_agency_code(municipality_code, category)).first()
        entry = SelfInformation(
            category=category,
            holder_name=holder.name if holder else DEPARTMENT_NAMES[HOLDER_DEPARTMENT[category]],
        )
        out.append(entry)
        if portal is None or holder is None:
            entry.error = _("%(holder)s is not connected for this municipality.") % {
                "holder": entry.holder_name
            }
            entry.outcome = Outcome.UNAVAILABLE
            continue
        try:
            fetched = hub.exchange(
                requester=portal,
                holder=holder,
                subject=subject,
                items=[code for code, spec in ITEMS.items() if spec.category == category],
                jimu="self-information",
                initiated_by=initiated_by,
            )
        except LinkageError as error:
            entry.error = error.message
            entry.outcome = error.outcome
            continue
        entry.values = fetched.values
        entry.exchange_id = fetched.exchange_id
    return out


def inquiry_fetch(
    *,
    subject: uuid.UUID,
    municipality_code: str,
    jimu_code: str,
    category: str,
    initiated_by: str,
) -> SelfInformation:
    """A case worker's 情報照会: the department of `jimu_code` in the staff member's municipality
    asks the holder of `category` for the items its access rule allows. A request outside the
    access list is refused by the hub (and recorded)."""
    jimu = JIMU.get(jimu_code)
    holder_code = (
        holder_agency_code(municipality_code, category) if category in HOLDER_DEPARTMENT else ""
    )
    holder = Agency.objects.filter(code=holder_code).first()
    entry = SelfInformation(category=category, holder_name=holder.name if holder else "")
    requester = (
        Agency.objects.filter(code=requester_agency_code(municipality_code, jimu)).first()
        if jimu is not None and jimu.department != "portal"
        else None
    )
    if requester is None or holder is None:
        entry.error = _("This administrative task cannot ask that holder.")
        return entry
    rule = AccessRule.objects.filter(requester=requester, holder=holder, jimu=jimu_code).first()
    # Ask for what the rule allows; with no rule, ask for the category anyway so the hub
    # refuses and records it.
    items = (
        list(rule.items)
        if rule is not None
        else [code for code, spec in ITEMS.items() if spec.category == category]
    )
    try:
        fetched = hub.exchange(
            requester=requester,
            holder=holder,
            subject=subject,
            items=items,
            jimu=jimu_code,
            initiated_by=initiated_by,
        )
    except LinkageError as error:
        entry.error = error.message
        return entry
    entry.values = fetched.values
    entry.exchange_id = fetched.exchange_id
    return entry
