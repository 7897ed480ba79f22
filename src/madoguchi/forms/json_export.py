"""A form version as JSON Schema (2020-12), for third parties that validate before sending.

The schema describes normalised answers. The server's validator stays the source of truth:
it also accepts friendlier input (和暦, full-width digits, hiragana フリガナ) and checks what a
schema cannot (check digits, bank codes, postal codes that exist).
"""

from __future__ import annotations

from typing import Any

from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.language import Definition, Item

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _fragment(item: Item) -> dict[str, Any]:
    field_type = registry.get(item["type"])
    assert field_type is not None
    if field_type.is_group:
        entry = _object(item.get("items", []))
        schema: dict[str, Any] = {"type": "array", "items": entry, "maxItems": item["max"]}
        minimum = max(item.get("min", 0), 1 if item.get("required") else 0)
        if minimum:
            schema["minItems"] = minimum
    else:
        schema = field_type.json_schema(item)
    schema = {"title": item["label"], **schema}
    if item.get("help"):
        schema["description"] = item["help"]
    if item.get("visible_if"):
        schema["x-visible-if"] = item["visible_if"]
    return schema


def _condition_schema(condition: dict[str, Any], types: dict[str, str]) -> dict[str, Any] | None:
    """JSON Schema for the simple conditions (equals / in on an item at the same level)."""
    name = condition.get("item")
    if name not in types:
        return None
    values = [condition["equals"]] if "equals" in condition else condition.get("in")
    if not values:
        return None
    if types[name] == "checkbox":
        match: dict[str, Any] = {"anyOf": [{"contains": {"const": v}} for v in values]}
    else:
        match = {"enum": values}
    return {"properties": {name: match}, "required": [name]}


def _object(items: list[Item]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditional: list[dict[str, Any]] = []
    types = {item["code"]: item["type"] for item in items}
    for item in items:
        field_type = registry.get(item["type"])
        assert field_type is not None
        if not field_type.stores_value:
            continue
        properties[item["code"]] = _fragment(item)
        if not item.get("required"):
            continue
        if "visible_if" not in item:
            required.append(item["code"])
        elif (when := _condition_schema(item["visible_if"], types)) is not None:
            conditional.append({"if": when, "then": {"required": [item["code"]]}})
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if conditional:
        schema["allOf"] = conditional
    return schema


def definition_json_schema(definition: Definition, *, schema_id: str) -> dict[str, Any]:
    items = [item for page in definition["pages"] for item in page["items"]]
    return {
        "$schema": DRAFT,
        "$id": schema_id,
        "title": definition["title"],
        **({"description": definition["description"]} if definition.get("description") else {}),
        **_object(items),
    }
