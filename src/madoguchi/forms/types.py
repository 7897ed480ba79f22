"""The JSON shapes of the form definition language (see `language.py` for its checks).

Kept apart from the checks so the field types can name an `Item` while the language's checks use
the field type registry, without an import cycle.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Option(TypedDict):
    value: str
    label: str


class ItemText(TypedDict, total=False):
    """An item's wording in another language (docs/i18n.md)."""

    label: str
    help: str
    options: dict[str, str]


class Item(TypedDict):
    code: str
    type: str
    label: str
    help: NotRequired[str]
    required: NotRequired[bool]
    validators: NotRequired[dict[str, Any]]
    options: NotRequired[list[Option]]
    visible_if: NotRequired[dict[str, Any]]
    # Repeatable groups only.
    items: NotRequired[list[Item]]
    min: NotRequired[int]
    max: NotRequired[int]
    # Set on items a municipality added, so exports can tell standard from local columns.
    local: NotRequired[bool]
    # bank_account only: offer the resident's 公金受取口座 (docs/forms.md).
    public_funds: NotRequired[bool]
    # A linkage source (docs/linkage.md): {"item": <catalogue item code>, "locked": bool}.
    source: NotRequired[dict[str, Any]]
    # Wording in other languages, by language code (items a municipality added).
    i18n: NotRequired[dict[str, ItemText]]


class Page(TypedDict):
    id: str
    title: str
    items: list[Item]


class Notes(TypedDict, total=False):
    contact: str
    fees: str
    deadlines: str


class Definition(TypedDict):
    language: str
    procedure_code: str
    title: str
    preset_version: int
    signature_required: bool
    pages: list[Page]
    description: NotRequired[str]
    notes: NotRequired[Notes]
