"""The form definition language: its JSON shapes, its JSON Schema, and the checks a schema
cannot express (unique item codes, known field types, conditions naming real items).

A definition is plain JSON, so it can be snapshotted, hashed, served to third parties and
diffed. Everything that varies by field type lives in the field type registry, not here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from madoguchi.forms.fieldtypes import registry

# The shapes are part of the language's public surface; callers may import them from here.
from madoguchi.forms.types import Definition as Definition
from madoguchi.forms.types import Item as Item
from madoguchi.forms.types import Notes as Notes
from madoguchi.forms.types import Option as Option
from madoguchi.forms.types import Page as Page
from madoguchi.linkage import catalogue as linkage_catalogue

LANGUAGE = "madoguchi-form/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "form-definition.schema.json"


class DefinitionError(ValueError):
    """A definition that breaks the language; `problems` says where, for staff and tests."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@cache
def meta_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(meta_schema())
    return Draft202012Validator(meta_schema())


def iter_items(items: list[Item]) -> Iterator[Item]:
    """Every item, depth first, group children included."""
    for item in items:
        yield item
        if "items" in item:
            yield from iter_items(item["items"])


def all_items(definition: Definition) -> Iterator[Item]:
    for page in definition["pages"]:
        yield from iter_items(page["items"])


def item_index(definition: Definition) -> dict[str, Item]:
    return {item["code"]: item for item in all_items(definition)}


def _condition_items(condition: dict[str, Any]) -> Iterator[str]:
    if "item" in condition:
        yield condition["item"]
    for key in ("any", "all"):
        for sub in condition.get(key, []):
            yield from _condition_items(sub)
    if "not" in condition:
        yield from _condition_items(condition["not"])


# Path segments the resident's application flow (madoguchi.apply) uses for its own steps under
# /apply/<application>/…; a page with one of these ids would be unreachable.
RESERVED_PAGE_IDS = frozenset(
    {
        "check",
        "sign",
        "submit",
        "locked",
        "receipt",
        "status",
        "withdraw",
        "delete",
        "copy.pdf",
        "prefill",
    }
)


def definition_check(definition: Any) -> Definition:
    """Validate against the language's JSON Schema, then the rules a schema cannot state.

    Raises DefinitionError listing every problem; returns the definition typed on success.
    """
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(_validator().iter_errors(definition), key=lambda e: list(e.path))
    ]
    if problems:
        raise DefinitionError(problems)
    typed: Definition = definition
    seen: set[str] = set()
    page_ids: set[str] = set()
    for page in typed["pages"]:
        if page["id"] in page_ids:
            problems.append(f"page {page['id']}: duplicate page id")
        if page["id"] in RESERVED_PAGE_IDS:
            problems.append(f"page {page['id']}: reserved page id (used by the application flow)")
        page_ids.add(page["id"])
    items = list(all_items(typed))
    for item in items:
        code = item["code"]
        if code in seen:
            problems.append(f"{code}: duplicate item code")
        seen.add(code)
        field_type = registry.get(item["type"])
        if field_type is None:
            problems.append(f"{code}: unknown type {item['type']!r}")
            continue
        problems += [f"{code}: {p}" for p in field_type.check_item(item)]
        problems += [f"{code}: {p}" for p in _check_source(item)]
    problems += _check_condition_order(typed)
    if problems:
        raise DefinitionError(problems)
    return typed


def _check_source(item: Item) -> list[str]:
    """A linkage source must be an item of the linkage catalogue whose value has this item's
    field type (docs/linkage.md). A group names a list of people and maps its row items onto
    the list's fields (`fields`); items inside a group name no source of their own."""
    problems = [
        f"{child['code']}: a group's items take their source from the group's source (fields)"
        for child in item.get("items", [])
        if child.get("source")
    ]
    source = item.get("source")
    if not source:
        return problems
    spec = linkage_catalogue.item_get(source["item"])
    if spec is None:
        return [*problems, f"unknown linkage item {source['item']!r}"]
    if spec.field_type != item["type"]:
        return [
            *problems,
            f"linkage item {spec.code} gives a {spec.field_type}, not a {item['type']}",
        ]
    if not spec.is_rows:
        if "fields" in source:
            problems.append("fields is for a group's source only")
        return problems
    if not source.get("fields"):
        return [*problems, f"linkage item {spec.code} is a list: name its fields"]
    children = {child["code"]: child for child in item.get("items", [])}
    for code, row_field in source["fields"].items():
        child = children.get(code)
        row_type = spec.row_field_type(row_field)
        if child is None:
            problems.append(f"fields: {code!r} is not an item of this group")
        elif row_type is None:
            problems.append(f"fields: {spec.code} has no field {row_field!r}")
        elif row_type != child["type"]:
            problems.append(
                f"fields: {spec.code} field {row_field} gives a {row_type}, not a {child['type']}"
            )
    return problems


def _check_condition_order(definition: Definition) -> list[str]:
    """A condition may name only an earlier top-level item or an earlier item of its own group
    entry: then one pass in document order decides visibility, and cycles cannot exist."""
    problems: list[str] = []
    top_before: set[str] = set()

    def check(item: Item, allowed: set[str]) -> None:
        for name in _condition_items(item.get("visible_if", {})):
            if name not in allowed:
                problems.append(
                    f"{item['code']}: visible_if must name an earlier item of the "
                    f"same level or the top level, not {name!r}"
                )

    for page in definition["pages"]:
        for item in page["items"]:
            check(item, top_before)
            siblings: set[str] = set()
            for child in item.get("items", []):
                check(child, top_before | siblings)
                if child.get("public_funds"):
                    # The account is one per resident: offered for a top-level item only.
                    problems.append(f"{child['code']}: public_funds only on a top-level item")
                siblings.add(child["code"])
            top_before.add(item["code"])
    return problems
