"""Answers by standard item code: the columns every export shares, and the sections of the
application page.

Columns come from the JSON Schema of the form version (madoguchi.forms), so they are the same
standard item codes in every municipality: an object value becomes one column per property
(`applicant.name.family`), a list of choices one cell joined with ";", a repeatable group one
cell of JSON. Nothing is re-typed or re-encoded here: names keep every character (𠮷, IVS).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from madoguchi.forms import mynumber
from madoguchi.forms import selectors as form_selectors
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.language import Item, iter_items
from madoguchi.municipalities.text import fold

if TYPE_CHECKING:
    from madoguchi.applications.models import Application
    from madoguchi.forms.models import FormVersion

LIST_SEPARATOR = ";"
PUBLIC_FUNDS = "public_funds"


@dataclass(frozen=True)
class Column:
    key: str  # e.g. "applicant.name.family": item code, then the property
    item_code: str
    part: str = ""
    # Codes of 個人番号 items in this column (its own, or inside a group's rows): exports show
    # them masked (********9018), never in clear.
    masked: frozenset[str] = frozenset()


def _my_number_codes(form_version: FormVersion) -> frozenset[str]:
    return frozenset(
        item["code"]
        for page in form_version.definition.get("pages", [])
        for item in iter_items(page.get("items", []))
        if item.get("type") == "my_number"
    )


def item_columns(form_version: FormVersion) -> list[Column]:
    schema = form_selectors.form_json_schema(form_version=form_version)
    masked = _my_number_codes(form_version)
    columns: list[Column] = []
    for code, prop in schema.get("properties", {}).items():
        if prop.get("type") == "object" and prop.get("properties"):
            columns += [Column(f"{code}.{part}", code, part) for part in prop["properties"]]
        else:
            columns.append(Column(code, code, masked=masked))
    return columns


def merged_columns(form_versions: Iterable[FormVersion]) -> list[Column]:
    """Union of the columns of several form versions, in order of first appearance."""
    seen: dict[str, Column] = {}
    for version in form_versions:
        for column in item_columns(version):
            seen.setdefault(column.key, column)
    return list(seen.values())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(not isinstance(v, Mapping | list) for v in value):
            return LIST_SEPARATOR.join(_cell(v) for v in value)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _masked(value: Any, code: str, codes: frozenset[str]) -> Any:
    if code in codes and isinstance(value, str):
        return mynumber.mask(value)
    if isinstance(value, list):
        return [_masked(v, code, codes) for v in value]
    if isinstance(value, Mapping):
        return {k: _masked(v, k, codes) for k, v in value.items()}
    return value


def column_value(answers: Mapping[str, Any], column: Column) -> str:
    value = answers.get(column.item_code)
    if column.part:
        value = value.get(column.part) if isinstance(value, Mapping) else None
    if column.masked:
        value = _masked(value, column.item_code, column.masked)
    return _cell(value)


def public_funds_used(application: Application) -> bool:
    """Whether an answer holds the applicant's 公金受取口座 (`source: "public_funds"`)."""
    answers = application.answers or application.raw_answers or {}
    return any(
        isinstance(value, Mapping) and value.get("source") == PUBLIC_FUNDS
        for value in answers.values()
    )


def _joined(value: Any) -> str:
    if isinstance(value, Mapping):
        return "\u3000".join(str(value.get(k, "")) for k in ("family", "given") if value.get(k))
    return str(value or "")


def applicant_names(application: Application) -> tuple[str, str]:
    """(name, kana) of the applicant as entered, falling back to the registry's resident."""
    answers = application.answers or application.raw_answers or {}
    name = _joined(answers.get("applicant.name"))
    kana = _joined(answers.get("applicant.name_kana"))
    resident = application.resident
    if resident is not None:
        name = name or resident.name
        kana = kana or f"{resident.family_name_kana}\u3000{resident.given_name_kana}"
    return name, kana


_VARIATION_SELECTORS = {cp: None for cp in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]}


def name_fold(text: str) -> str:
    """Search folding of names: width, kana, case and spaces as in municipalities.text.fold,
    plus variation selectors dropped (葛󠄀城 is found by typing 葛城). Stored names keep them."""
    return fold(text).translate(_VARIATION_SELECTORS).replace("\u3000", "")


@dataclass
class Row:
    label: str
    value: str
    code: str
    local: bool = False
    children: list[list[Row]] = field(default_factory=list)


@dataclass
class Section:
    title: str
    rows: list[Row]


def _rows(items: list[Item], answers: Mapping[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for item in items:
        field_type = registry.get(item["type"])
        if field_type is None or not field_type.stores_value:
            continue
        value = answers.get(item["code"])
        if value is None or value == "" or value == []:
            continue
        if field_type.is_group and isinstance(value, list):
            children = [
                _rows(item.get("items", []), entry) for entry in value if isinstance(entry, Mapping)
            ]
            rows.append(Row(item["label"], "", item["code"], bool(item.get("local")), children))
            continue
        rows.append(
            Row(
                item["label"],
                field_type.display(item, value),
                item["code"],
                bool(item.get("local")),
            )
        )
    return rows


def answer_sections(application: Application) -> list[Section]:
    """The answers with the labels of the form version the application was filled against."""
    answers = application.answers or {}
    definition = application.form_version.definition
    return [
        Section(page["title"], _rows(page["items"], answers))
        for page in definition["pages"]
        if any(item.get("code") in answers for item in iter_items(page["items"]))
    ]
