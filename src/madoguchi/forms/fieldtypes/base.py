"""The contract every field type fulfils, and the registry that finds one by its key.

A field type knows, for one kind of item: how to read its raw value from a page's POST, how to
parse/validate/normalise a submitted value (pages, API and imports share this), which JSON
Schema fragment describes its normalised value, how to render its widget accessibly, and how
to display a stored value. The validator and the renderer never branch on an item's type.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madoguchi.forms.types import Item

EMPTY_VALUES: tuple[Any, ...] = (None, "", [], {})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a value. `part` names a sub-field of a composite type ("" = whole)."""

    code: str
    message: str
    part: str = ""


class FieldInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def invalid(code: str, message: str, part: str = "") -> FieldInvalid:
    return FieldInvalid([Problem(code=code, message=message, part=part)])


def has_control_characters(text: str, *, allow_newlines: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


@dataclass(frozen=True)
class Part:
    """A sub-field of a composite type (姓 and 名; 郵便番号 and 住所)."""

    name: str
    label: Any  # lazy translation
    autocomplete: str = ""
    inputmode: str = ""
    size: str = "m"
    choices: tuple[tuple[str, Any], ...] = ()


@dataclass
class WidgetPart:
    name: str
    id: str
    label: str
    value: Any
    errors: list[str] = field(default_factory=list)
    autocomplete: str = ""
    inputmode: str = ""
    size: str = "m"
    choices: list[tuple[str, str]] = field(default_factory=list)


class FieldType:
    key: ClassVar[str]
    template_name: ClassVar[str] = "madoguchi_forms/widgets/input.html"
    stores_value: ClassVar[bool] = True
    parts: ClassVar[tuple[Part, ...]] = ()
    allowed_validators: ClassVar[frozenset[str]] = frozenset()
    needs_options: ClassVar[bool] = False
    is_group: ClassVar[bool] = False
    # Whether an item may carry "public_funds" (bank_account: 「公金受取口座を利用する」).
    takes_public_funds: ClassVar[bool] = False
    # HTML attributes of a single-input widget.
    input_type: ClassVar[str] = "text"
    autocomplete: ClassVar[str] = ""
    inputmode: ClassVar[str] = ""

    # --- definition time -----------------------------------------------------------------------
    def check_item(self, item: Item) -> list[str]:
        problems = [
            f"validator {name!r} does not apply to type {self.key}"
            for name in item.get("validators", {})
            if name not in self.allowed_validators
        ]
        if self.needs_options and not item.get("options"):
            problems.append(f"type {self.key} needs options")
        if not self.needs_options and "options" in item:
            problems.append(f"type {self.key} takes no options")
        if "public_funds" in item and not self.takes_public_funds:
            problems.append(f"type {self.key} takes no public_funds")
        if not self.stores_value and item.get("required"):
            problems.append(f"type {self.key} holds no value and cannot be required")
        return problems

    # --- values --------------------------------------------------------------------------------
    def is_empty(self, raw: Any) -> bool:
        if isinstance(raw, str):
            return not raw.strip()
        if isinstance(raw, Mapping):
            return all(self.is_empty(v) for v in raw.values())
        return raw in EMPTY_VALUES

    def required_message(self, item: Item) -> str:
        return _("Enter %(label)s.") % {"label": item["label"]}

    def parse(self, item: Item, raw: Any) -> Any:
        """Normalised value of a non-empty raw value, or FieldInvalid."""
        raise NotImplementedError

    def json_schema(self, item: Item) -> dict[str, Any]:
        raise NotImplementedError

    def display(self, item: Item, value: Any) -> str:
        return "" if value is None else str(value)

    # --- pages ---------------------------------------------------------------------------------
    def from_post(self, item: Item, name: str, data: Any, files: Any) -> Any:
        if self.parts:
            return {part.name: data.get(f"{name}.{part.name}", "") for part in self.parts}
        return data.get(name, "")

    def widget_context(
        self, item: Item, *, name: str, html_id: str, raw: Any, problems: list[Problem]
    ) -> dict[str, Any]:
        whole = [p.message for p in problems if not p.part]
        context: dict[str, Any] = {
            "item": item,
            "name": name,
            "id": html_id,
            "value": raw,
            "errors": whole,
            "input_type": self.input_type,
            "autocomplete": self.autocomplete,
            "inputmode": self.inputmode,
        }
        if self.parts:
            raw_map = raw if isinstance(raw, Mapping) else {}
            context["parts"] = [
                WidgetPart(
                    name=f"{name}.{part.name}",
                    id=f"{html_id}-{part.name}",
                    label=str(part.label),
                    value=raw_map.get(part.name, ""),
                    errors=[p.message for p in problems if p.part == part.name],
                    autocomplete=part.autocomplete,
                    inputmode=part.inputmode,
                    size=part.size,
                    choices=[(value, str(label)) for value, label in part.choices],
                )
                for part in self.parts
            ]
        return context

    def first_id(self, html_id: str, problems: list[Problem]) -> str:
        """Where the error summary should send focus: the first part in error."""
        if self.parts:
            for part in self.parts:
                if any(p.part == part.name for p in problems):
                    return f"{html_id}-{part.name}"
            return f"{html_id}-{self.parts[0].name}"
        return html_id

    def part_label(self, item: Item, part_name: str) -> str:
        for part in self.parts:
            if part.name == part_name:
                return f"{item['label']}（{part.label}）"
        return item["label"]


_REGISTRY: dict[str, FieldType] = {}


def register(cls: type[FieldType]) -> type[FieldType]:
    """Class decorator: make a field type available to definitions under `cls.key`."""
    if cls.key in _REGISTRY:
        raise ValueError(f"field type {cls.key!r} registered twice")
    _REGISTRY[cls.key] = cls()
    return cls


def get(key: str) -> FieldType | None:
    return _REGISTRY.get(key)


def keys() -> list[str]:
    return sorted(_REGISTRY)


__all__ = [
    "FieldInvalid",
    "FieldType",
    "Part",
    "Problem",
    "get",
    "gettext_lazy",
    "keys",
    "register",
]
