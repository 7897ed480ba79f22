"""The shape of the multi-page flow: the steps a resident goes through, and the rows of the
check-your-answers page. Pure functions of a form definition and answers (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from madoguchi.forms import conditions
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.language import Definition, Item, Page
from madoguchi.forms.rendering import html_id
from madoguchi.forms.validation import FieldError

CHECK_STEP = "_check"
SIGN_STEP = "_sign"


@dataclass(frozen=True)
class Step:
    key: str  # a page id, CHECK_STEP or SIGN_STEP
    title: str
    number: int


def steps(definition: Definition) -> list[Step]:
    """Every page, then checking the answers, then signing (when the form needs it)."""
    titles = [(page["id"], page["title"]) for page in definition["pages"]]
    titles.append((CHECK_STEP, _("Check your answers")))
    if definition.get("signature_required", True):
        titles.append((SIGN_STEP, _("Sign and send")))
    return [Step(key, title, number) for number, (key, title) in enumerate(titles, start=1)]


def page_get(definition: Definition, page_id: str) -> Page | None:
    return next((page for page in definition["pages"] if page["id"] == page_id), None)


def page_after(definition: Definition, page_id: str) -> str | None:
    ids = [page["id"] for page in definition["pages"]]
    index = ids.index(page_id)
    return ids[index + 1] if index + 1 < len(ids) else None


def page_before(definition: Definition, page_id: str) -> str | None:
    ids = [page["id"] for page in definition["pages"]]
    index = ids.index(page_id)
    return ids[index - 1] if index > 0 else None


def page_of_item(definition: Definition, code: str) -> str | None:
    for page in definition["pages"]:
        if _contains(page["items"], code):
            return page["id"]
    return None


def _contains(items: list[Item], code: str) -> bool:
    return any(item["code"] == code or _contains(item.get("items", []), code) for item in items)


def anchor_for(item: Item, path: str) -> str:
    """The id of the first input of an item (what a "change" link and the summary jump to)."""
    field_type = registry.get(item["type"])
    return field_type.first_id(html_id(path), []) if field_type else html_id(path)


@dataclass
class Row:
    label: str
    value: str
    page_id: str
    anchor: str
    errors: list[str] = field(default_factory=list)
    # Entries of a repeatable group: each a list of rows.
    entries: list[list[Row]] = field(default_factory=list)
    is_group: bool = False


@dataclass
class PageRows:
    page: Page
    rows: list[Row]


def _visible(item: Item, scope: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    condition = item.get("visible_if")
    return not condition or conditions.evaluate(condition, scope, answers)


def _rows(
    items: list[Item],
    values: Mapping[str, Any],
    *,
    page_id: str,
    prefix: str,
    answers: Mapping[str, Any],
    errors: list[FieldError],
) -> list[Row]:
    rows: list[Row] = []
    for item in items:
        field_type = registry.get(item["type"])
        if field_type is None or not _visible(item, values, answers):
            continue
        path = f"{prefix}{item['code']}"
        messages = [e.message for e in errors if e.path == path or e.path.startswith(path + ".")]
        if field_type.is_group:
            entries = values.get(item["code"]) or []
            group_rows = [
                _rows(
                    item.get("items", []),
                    entry,
                    page_id=page_id,
                    prefix=f"{path}[{index}].",
                    answers=answers,
                    errors=errors,
                )
                for index, entry in enumerate(entries)
                if isinstance(entry, Mapping)
            ]
            own = [e.message for e in errors if e.path == path]
            rows.append(
                Row(
                    label=item["label"],
                    value="" if group_rows else _("None"),
                    page_id=page_id,
                    anchor=html_id(path),
                    errors=own,
                    entries=group_rows,
                    is_group=True,
                )
            )
            continue
        if not field_type.stores_value:
            continue
        value = values.get(item["code"])
        shown = field_type.display(item, value) if value not in (None, "", [], {}) else ""
        rows.append(
            Row(
                label=item["label"],
                value=shown or _("Not entered"),
                page_id=page_id,
                anchor=anchor_for(item, path),
                errors=messages,
            )
        )
    return rows


def answer_rows(
    definition: Definition, answers: Mapping[str, Any], errors: list[FieldError]
) -> list[PageRows]:
    """Check-your-answers: every visible answer by label, as the form displays it (個人番号
    masked), under the page it is changed on. `answers` are the validator's normalised answers;
    an item still in error shows its error instead of a value."""
    return [
        PageRows(
            page=page,
            rows=_rows(
                page["items"],
                answers,
                page_id=page["id"],
                prefix="",
                answers=answers,
                errors=errors,
            ),
        )
        for page in definition["pages"]
    ]
