"""The one validator: pages, the API and imports all call `form_validate`.

Items are visited in document order. A visibility condition may only name items that come
before it (checked when a definition is loaded), so one pass decides visibility from answers
already normalised, and a hidden item is neither required nor kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madoguchi.forms import conditions
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.fieldtypes.base import FieldInvalid, FieldType
from madoguchi.forms.language import Definition, Item, iter_items


@dataclass(frozen=True)
class FieldError:
    path: str  # where in the answers: applicant.name.family, children[0].child.birth_date
    item: str  # the item's standard code
    code: str  # machine-readable reason: required, my_number_check_digit, …
    message: str  # Japanese, naming the field

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "item": self.item, "code": self.code, "message": self.message}


@dataclass
class ValidationResult:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def errors_for(self, prefix: str) -> list[FieldError]:
        return [e for e in self.errors if e.path == prefix or e.path.startswith(prefix + ".")]


def _type(item: Item) -> FieldType:
    field_type = registry.get(item["type"])
    assert field_type is not None, item["type"]  # definitions are checked before use
    return field_type


class _Walker:
    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        self.result = ValidationResult()

    def error(self, *, path: str, item: Item, code: str, message: str) -> None:
        self.result.errors.append(
            FieldError(path=path, item=item["code"], code=code, message=message)
        )

    def items(
        self,
        items: Iterable[Item],
        raw: Mapping[str, Any],
        out: dict[str, Any],
        *,
        prefix: str,
        outer: Mapping[str, Any],
    ) -> None:
        known = {item["code"] for item in items}
        for key in raw:
            if key not in known:
                self.result.errors.append(
                    FieldError(
                        path=f"{prefix}{key}",
                        item=str(key),
                        code="unknown_item",
                        message=_("%(code)s is not an item of this form.") % {"code": key},
                    )
                )
        for item in items:
            if not conditions.evaluate(item.get("visible_if"), out, outer):
                continue
            field_type = _type(item)
            if not field_type.stores_value:
                continue
            path = f"{prefix}{item['code']}"
            value = raw.get(item["code"])
            if field_type.is_group:
                self.group(item, value, out, path=path)
                continue
            if field_type.is_empty(value):
                if item.get("required"):
                    self.error(
                        path=path,
                        item=item,
                        code="required",
                        message=field_type.required_message(item),
                    )
                continue
            try:
                out[item["code"]] = field_type.parse(item, value)
            except FieldInvalid as invalid:
                for problem in invalid.problems:
                    self.error(
                        path=f"{path}.{problem.part}" if problem.part else path,
                        item=item,
                        code=problem.code,
                        message=problem.message,
                    )

    def group(self, item: Item, value: Any, out: dict[str, Any], *, path: str) -> None:
        children = item.get("items", [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(e, Mapping) for e in value):
            self.error(
                path=path,
                item=item,
                code="type",
                message=_("%(label)s must be a list of entries.") % {"label": item["label"]},
            )
            return
        # Entries left completely blank on a page are not entries.
        entries = [
            e
            for e in value
            if not all(
                _type(c).is_empty(e.get(c["code"])) for c in children if _type(c).stores_value
            )
            or any(k not in {c["code"] for c in children} for k in e)
        ]
        minimum = max(item.get("min", 0), 1 if item.get("required") else 0)
        if (entries and len(entries) < item.get("min", 0)) or (not entries and minimum):
            self.error(
                path=path,
                item=item,
                code="min_entries",
                message=ngettext(
                    "Add at least %(min)s entry to %(label)s.",
                    "Add at least %(min)s entries to %(label)s.",
                    minimum,
                )
                % {"label": item["label"], "min": minimum},
            )
        if len(entries) > item["max"]:
            self.error(
                path=path,
                item=item,
                code="max_entries",
                message=ngettext(
                    "%(label)s can have at most %(max)s entry.",
                    "%(label)s can have at most %(max)s entries.",
                    item["max"],
                )
                % {"label": item["label"], "max": item["max"]},
            )
            entries = entries[: item["max"]]
        normalised = []
        for index, entry in enumerate(entries):
            entry_out: dict[str, Any] = {}
            self.items(children, entry, entry_out, prefix=f"{path}[{index}].", outer=out)
            normalised.append(entry_out)
        if normalised:
            out[item["code"]] = normalised


def validate_definition_answers(
    definition: Definition, answers: Mapping[str, Any], *, page_ids: Iterable[str] | None = None
) -> ValidationResult:
    walker = _Walker(answers)
    if not isinstance(answers, Mapping):
        walker.result.errors.append(
            FieldError(path="", item="", code="type", message=_("Answers must be a JSON object."))
        )
        return walker.result
    top_items = [item for page in definition["pages"] for item in page["items"]]
    walker.items(top_items, answers, walker.result.answers, prefix="", outer={})
    if page_ids is not None:
        wanted = {
            item["code"]
            for page in definition["pages"]
            if page["id"] in set(page_ids)
            for item in iter_items(page["items"])
        }
        walker.result.errors = [e for e in walker.result.errors if e.item in wanted]
    return walker.result
