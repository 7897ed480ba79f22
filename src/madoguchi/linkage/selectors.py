"""Reads of the linkage app: what a form will fetch (the consent text), which answers came
from which exchange, and the exchanges about a resident (やりとり履歴)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .catalogue import DEPARTMENT_NAMES, HOLDER_DEPARTMENT, ITEMS, JIMU, jimu_for_procedure
from .models import Agency, AnswerSource, ExchangeRecord, PersonCode
from .registry import recorded_on as recorded_on  # the bulk 住民基本台帳/地方税 read (registry.py)
from .registry import registry_households_at as registry_households_at
from .registry import residency_changes as residency_changes
from .types import Category, Jimu, Outcome, Side


@dataclass(frozen=True)
class PlanRow:
    item_code: str  # the form item
    label: str  # the form item's label
    source_item: str  # the catalogue item
    locked: bool
    # A group item: which row field fills which of its items (item code → row field), the
    # labels of those items (for the consent text), the catalogue item's label and the
    # group's entry limit.
    fields: tuple[tuple[str, str], ...] = ()
    parts: tuple[str, ...] = ()
    source_label: str = ""
    max_rows: int = 0

    @property
    def is_group(self) -> bool:
        return bool(self.fields)


@dataclass
class PlanGroup:
    category: str
    holder_name: str
    rows: list[PlanRow] = field(default_factory=list)


@dataclass
class Plan:
    jimu: Jimu
    groups: list[PlanGroup]

    @property
    def holder_names(self) -> list[str]:
        return [group.holder_name for group in self.groups]


def sourced_items(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Top-level items of the form that name a linkage source, in form order."""
    return [
        item for page in definition.get("pages", []) for item in page["items"] if item.get("source")
    ]


def prefill_plan(*, definition: Mapping[str, Any], procedure_code: str) -> Plan | None:
    """What 「住民基本台帳などから取得する」 will fetch, grouped by holder, and for which 事務; None
    when the form names no source or the procedure serves no 事務."""
    jimu = jimu_for_procedure(procedure_code)
    items = sourced_items(definition)
    if jimu is None or not items:
        return None
    groups: dict[str, PlanGroup] = {}
    for item in items:
        spec = ITEMS.get(item["source"]["item"])
        if spec is None:
            continue
        group = groups.setdefault(
            spec.category,
            PlanGroup(
                category=spec.category,
                holder_name=DEPARTMENT_NAMES[HOLDER_DEPARTMENT[spec.category]],
            ),
        )
        fields = tuple(item["source"].get("fields", {}).items()) if spec.is_rows else ()
        labels = {child["code"]: child["label"] for child in item.get("items", [])}
        group.rows.append(
            PlanRow(
                item_code=item["code"],
                label=item["label"],
                source_item=spec.code,
                locked=bool(item["source"].get("locked", False)),
                fields=fields,
                parts=tuple(labels[code] for code, _field in fields if code in labels),
                source_label=str(spec.label) if spec.is_rows else "",
                max_rows=int(item.get("max", 0)),
            )
        )
    order: list[str] = list(Category)
    return Plan(jimu=jimu, groups=sorted(groups.values(), key=lambda g: order.index(g.category)))


def municipality_connected(*, municipality_code: str) -> bool:
    """The municipality's departments are registered with the hub (linkage_setup_demo)."""
    return Agency.objects.filter(municipality_code=municipality_code).exists()


def answer_sources_for(*, application_id: uuid.UUID) -> list[AnswerSource]:
    return list(AnswerSource.objects.filter(application_id=application_id).order_by("fetched_at"))


@dataclass(frozen=True)
class SourceMark:
    holder_name: str
    locked: bool
    value: Any
    exchange_id: str


def source_marks(*, application_id: uuid.UUID) -> dict[str, SourceMark]:
    """Item code → where its answer came from (for the pages and the staff view)."""
    return {
        source.item_code: SourceMark(
            holder_name=source.holder_name,
            locked=source.locked,
            value=source.value,
            exchange_id=str(source.exchange_id),
        )
        for source in answer_sources_for(application_id=application_id)
    }


def cell_path(group_code: str, index: int, item_code: str) -> str:
    """Where a group entry's answer is, as pages and errors name it: children[0].child.name."""
    return f"{group_code}[{index}].{item_code}"


def locked_rows(sources: Mapping[str, Any], group_code: str) -> int:
    """How many leading entries of a group came locked from a holder (0: the group is not
    locked). `sources` maps item paths to marks with `locked` (source_marks)."""
    prefix = f"{group_code}["
    indexes = [
        int(path[len(prefix) : path.index("]", len(prefix))])
        for path, mark in sources.items()
        if path.startswith(prefix) and mark.locked
    ]
    return max(indexes) + 1 if indexes else 0


def locked_answers(*, application_id: uuid.UUID) -> dict[str, Any]:
    return {
        source.item_code: source.value
        for source in answer_sources_for(application_id=application_id)
        if source.locked
    }


# --- the resident's history (情報提供等記録) -----------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    exchange_id: str
    at: datetime.datetime
    requester: str
    holder: str
    jimu: str
    items: list[str]
    outcome: str
    outcome_label: str
    initiated_by: str
    category: str


def _initiated_label(value: str) -> str:
    if value.startswith("staff:"):
        return _("Query by municipal staff")
    if value.startswith("service:"):
        name = value.removeprefix("service:")
        if name:
            return _("Private service with your consent: %(service)s") % {"service": name}
        return _("Private service with your consent")
    if value == "self":
        return _("You (My page)")
    return _("Your application (prefill with consent)")


def exchanges_for_subject(
    *,
    subject: uuid.UUID,
    category: str = "",
    outcome: str = "",
    year: int | None = None,
) -> list[HistoryRow]:
    """Every exchange about the person, newest first: the hub finds the person's codes at each
    agency and reads the requesters' records (one row per exchange)."""
    codes = list(PersonCode.objects.filter(subject=subject).values_list("agency_id", "code"))
    if not codes:
        return []
    by_agency: dict[str, set[str]] = {}
    for agency_id, code in codes:
        by_agency.setdefault(agency_id, set()).add(code)
    records = ExchangeRecord.objects.filter(
        side=Side.REQUESTER, agency_id__in=list(by_agency)
    ).select_related("agency", "counterpart")
    if outcome:
        records = records.filter(outcome=outcome)
    if year:
        records = records.filter(at__year=year)
    rows: list[HistoryRow] = []
    for record in records.order_by("-at", "-pk"):
        if record.person_code not in by_agency.get(record.agency_id, set()):
            continue
        item_specs = [ITEMS[code] for code in record.items if code in ITEMS]
        record_category = item_specs[0].category if item_specs else ""
        if category and record_category != category:
            continue
        jimu = JIMU.get(record.jimu)
        rows.append(
            HistoryRow(
                exchange_id=str(record.exchange_id),
                at=record.at,
                requester=record.agency.name,
                holder=record.counterpart.name,
                jimu=str(jimu.label) if jimu else record.jimu,
                items=[str(spec.label) for spec in item_specs],
                outcome=record.outcome,
                outcome_label=str(Outcome(record.outcome).label),
                initiated_by=_initiated_label(record.initiated_by),
                category=record_category,
            )
        )
    return rows


def agencies(codes: Iterable[str]) -> list[Agency]:
    return list(Agency.objects.filter(code__in=list(codes)).order_by("code"))


def agencies_all() -> list[Agency]:
    return list(Agency.objects.order_by("code"))
