"""Rendering items as accessible HTML, and reading them back from a POST.

Pages built on the form engine (the staff preview, the resident page here, the multi-page
application flow later) render with `render_items` (or the `{% form_page %}` tag) and read
answers back with `raw_answers_from_post`, then hand those to `form_validate`. No JavaScript
is involved: a visibility condition on an item of another page is decided on the server; one
on the same page is shown as a sentence ("「…」で「はい」を選んだ場合"), and the validator
drops the answer when the condition does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from madoguchi.forms import conditions
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.fieldtypes.base import FieldType, Problem
from madoguchi.forms.language import Definition, Item, Page, item_index
from madoguchi.forms.validation import FieldError, ValidationResult

ADD_ACTION = "_add_entry"
REMOVE_ACTION = "_remove_entry"


def html_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _type(item: Item) -> FieldType:
    field_type = registry.get(item["type"])
    assert field_type is not None
    return field_type


def _option_label(item: Item, value: Any) -> str:
    for option in item.get("options", []):
        if option["value"] == value:
            return option["label"]
    return str(value)


def condition_text(condition: Mapping[str, Any], index: Mapping[str, Item]) -> str:
    """A visibility condition as a Japanese sentence fragment, for pages without JavaScript."""
    if "all" in condition:
        return _("and ").join(condition_text(c, index) for c in condition["all"])
    if "any" in condition:
        return _("or ").join(condition_text(c, index) for c in condition["any"])
    if "not" in condition:
        return _("unless %(condition)s") % {"condition": condition_text(condition["not"], index)}
    item = index.get(condition["item"])
    label = item["label"] if item else condition["item"]
    if "filled" in condition:
        return (
            _("if you entered %(label)s")
            if condition["filled"]
            else _("if you left %(label)s empty")
        ) % {"label": label}
    values = [condition["equals"]] if "equals" in condition else condition.get("in", [])
    choices = "・".join(f"「{_option_label(item, v) if item else v}」" for v in values)
    return _("if you chose %(choices)s for %(label)s") % {"choices": choices, "label": label}


@dataclass
class SummaryEntry:
    """What core/_error_summary.html reads from a bound field."""

    id_for_label: str
    label: str
    errors: list[str] = field(default_factory=list)


@dataclass
class ErrorSummary:
    """Lets core/_error_summary.html list the validator's errors, each linking to its field."""

    entries: list[SummaryEntry]

    @property
    def errors(self) -> bool:
        return bool(self.entries)

    def __iter__(self) -> Any:
        return iter(self.entries)

    def non_field_errors(self) -> list[str]:
        return []


def error_summary(definition: Definition, errors: Iterable[FieldError]) -> ErrorSummary:
    index = item_index(definition)
    entries = []
    for error in errors:
        item = index.get(error.item)
        if item is None:
            entries.append(SummaryEntry(id_for_label="main", label="", errors=[error.message]))
            continue
        field_type = _type(item)
        # error.path names the item (and maybe a part); the item's own path is everything up
        # to and including its code.
        base = error.path[: error.path.rindex(error.item) + len(error.item)]
        part = error.path[len(base) + 1 :]
        target = field_type.first_id(html_id(base), [Problem(error.code, error.message, part)])
        entries.append(
            SummaryEntry(id_for_label=target, label=item["label"], errors=[error.message])
        )
    return ErrorSummary(entries)


@dataclass(frozen=True)
class PublicFundsOffer:
    """What a `bank_account` item with "public_funds" offers one resident (built by the page
    that knows the resident): their registered 公金受取口座, masked (`account_text`, "" when
    they have none), and where to register one and come back (`register_url`)."""

    account_text: str
    register_url: str


class _Renderer:
    def __init__(
        self,
        definition: Definition,
        page_items: set[str],
        raw: Mapping[str, Any],
        result: ValidationResult | None,
        evaluate_with: Mapping[str, Any],
        sources: Mapping[str, Any] | None = None,
        offers: Mapping[str, PublicFundsOffer] | None = None,
    ) -> None:
        self.sources = sources or {}
        self.offers = offers or {}
        self.index = item_index(definition)
        self.page_items = page_items
        self.raw = raw
        self.errors = result.errors if result is not None else []
        self.evaluate_with = evaluate_with

    def problems(self, path: str) -> list[Problem]:
        found = []
        for error in self.errors:
            if error.path == path:
                found.append(Problem(error.code, error.message))
            elif error.path.startswith(path + "."):
                found.append(Problem(error.code, error.message, error.path[len(path) + 1 :]))
        return found

    def visible_note(self, item: Item, scope: Mapping[str, Any]) -> tuple[bool, str]:
        condition = item.get("visible_if")
        if not condition:
            return True, ""
        names = _names(condition)
        if names & self.page_items:
            return True, condition_text(condition, self.index)
        return conditions.evaluate(condition, scope, self.evaluate_with), ""

    def items(
        self, items: list[Item], raw: Mapping[str, Any], *, prefix: str, scope: Mapping[str, Any]
    ) -> str:
        return "".join(self.item(item, raw, prefix=prefix, scope=scope) for item in items)

    def item(
        self, item: Item, raw: Mapping[str, Any], *, prefix: str, scope: Mapping[str, Any]
    ) -> str:
        shown, note = self.visible_note(item, scope)
        if not shown:
            return ""
        field_type = _type(item)
        name = f"{prefix}{item['code']}"
        problems = self.problems(name)
        if field_type.is_group:
            return self.group(item, raw.get(item["code"]), name=name, note=note, problems=problems)
        source = self.sources.get(name)
        if source is not None and source.locked:
            return render_to_string(
                "madoguchi_forms/widgets/locked.html",
                {
                    "item": item,
                    "id": html_id(name),
                    "value": field_type.display(item, source.value),
                    "holder": source.holder_name,
                    # In a group entry the entry says it once (widgets/group.html).
                    "in_group": bool(prefix),
                },
            )
        context = field_type.widget_context(
            item, name=name, html_id=html_id(name), raw=raw.get(item["code"]), problems=problems
        )
        context["condition_note"] = note
        described = []
        if item.get("help"):
            described.append(f"{context['id']}_help")
        if note:
            described.append(f"{context['id']}_condition")
        if context["errors"]:
            described.append(f"{context['id']}_error")
        if source is not None:
            described.append(f"{context['id']}_source")
        context["described_by"] = " ".join(described)
        offer = self.offers.get(name) if item.get("public_funds") and not prefix else None
        if offer is not None:
            return self.public_funds(offer, context, raw.get(item["code"]))
        html = render_to_string(field_type.template_name, context)
        if source is not None:
            html += render_to_string(
                "madoguchi_forms/widgets/_source.html",
                {"id": context["id"], "holder": source.holder_name},
            )
        return html

    def public_funds(self, offer: PublicFundsOffer, context: dict[str, Any], raw: Any) -> str:
        """「公金受取口座を利用する」 or 「別の口座を入力する」 as radios (no JavaScript: the typed
        fields are always there); without an account, the fields and a link to register one."""
        if not offer.account_text:
            return render_to_string(
                "madoguchi_forms/widgets/bank_account_register.html", {**context, "offer": offer}
            )
        raw_map = raw if isinstance(raw, Mapping) else {}
        using = raw_map.get("source") == "public_funds"
        typed = any(raw_map.get(part.name) for part in _type(context["item"]).parts)
        if using:
            for part in context["parts"]:
                part.value = ""  # the account's own details are not typed in
        return render_to_string(
            "madoguchi_forms/widgets/bank_account_public_funds.html",
            {
                **context,
                "offer": offer,
                "use_account": using or (raw_map.get("use") != "other" and not typed),
            },
        )

    def entry_html(self, item: Item, entry: Mapping[str, Any], *, prefix: str) -> SafeString:
        html = self.items(item.get("items", []), entry, prefix=prefix, scope=entry)
        return mark_safe(html)  # noqa: S308 - rendered by autoescaping templates

    def group(self, item: Item, raw: Any, *, name: str, note: str, problems: list[Problem]) -> str:
        entries = [e for e in raw if isinstance(e, Mapping)] if isinstance(raw, list) else []
        count = max(len(entries), item.get("min", 0), 1)
        entries += [{} for _ in range(count - len(entries))]
        # A group whose entries came locked from a holder keeps exactly those entries.
        locked = _locked_rows(self.sources, name)
        fetched = _fetched_rows(self.sources, name)
        rendered = []
        for index, entry in enumerate(entries):
            rendered.append(
                {
                    "index": index,
                    "number": index + 1,
                    "html": self.entry_html(item, entry, prefix=f"{name}[{index}]."),
                    "remove_value": f"{item['code']}[{index}]",
                    "can_remove": not locked and count > max(item.get("min", 0), 1),
                    "holder": fetched.get(index, ""),
                }
            )
        whole = [p.message for p in problems if not p.part or not p.part.startswith("[")]
        return render_to_string(
            "madoguchi_forms/widgets/group.html",
            {
                "item": item,
                "name": name,
                "id": html_id(name),
                "entries": rendered,
                "count": count,
                "can_add": not locked and count < item["max"],
                "locked": locked,
                "holder": next(iter(fetched.values()), ""),
                "errors": whole,
                "condition_note": note,
                "add_action": ADD_ACTION,
                "remove_action": REMOVE_ACTION,
            },
        )


def _fetched_rows(sources: Mapping[str, Any], name: str) -> dict[int, str]:
    """Entry index → the holder its fetched items came from (sources keyed by item path)."""
    prefix = f"{name}["
    rows: dict[int, str] = {}
    for path, source in sources.items():
        if path.startswith(prefix) and "]" in path[len(prefix) :]:
            index = path[len(prefix) : path.index("]", len(prefix))]
            if index.isdigit():
                rows.setdefault(int(index), source.holder_name)
    return rows


def _locked_rows(sources: Mapping[str, Any], name: str) -> bool:
    prefix = f"{name}["
    return any(path.startswith(prefix) and source.locked for path, source in sources.items())


def _names(condition: Mapping[str, Any]) -> set[str]:
    names = {condition["item"]} if "item" in condition else set()
    for key in ("any", "all"):
        for sub in condition.get(key, []):
            names |= _names(sub)
    if "not" in condition:
        names |= _names(condition["not"])
    return names


def render_items(
    *,
    definition: Definition,
    page: Page,
    raw: Mapping[str, Any],
    result: ValidationResult | None = None,
    answers: Mapping[str, Any] | None = None,
    sources: Mapping[str, Any] | None = None,
    offers: Mapping[str, PublicFundsOffer] | None = None,
) -> SafeString:
    """HTML of one page's items. `raw` holds what the resident typed (shown back as typed);
    `answers` the normalised answers of other pages, which decide cross-page conditions.
    `sources`: item code → where its answer came from (`holder_name`, `locked`, `value`, e.g.
    `linkage.selectors.source_marks`); a locked item is shown as its value, not a widget.
    `offers`: item code → PublicFundsOffer for `bank_account` items with "public_funds"."""
    from madoguchi.forms.language import iter_items

    page_items = {item["code"] for item in iter_items(page["items"])}
    renderer = _Renderer(definition, page_items, raw, result, answers or {}, sources, offers)
    html = renderer.items(page["items"], raw, prefix="", scope=answers or {})
    return mark_safe(html)  # noqa: S308 - every value passed through autoescaping templates


def _read(items: list[Item], data: Any, files: Any, *, prefix: str) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for item in items:
        field_type = _type(item)
        name = f"{prefix}{item['code']}"
        if field_type.is_group:
            try:
                count = min(int(data.get(f"{name}.count", "0")), item["max"])
            except ValueError:
                count = 0
            raw[item["code"]] = [
                _read(item.get("items", []), data, files, prefix=f"{name}[{i}].")
                for i in range(count)
            ]
        elif field_type.stores_value:
            raw[item["code"]] = field_type.from_post(item, name, data, files)
    return raw


def raw_answers_from_post(
    *, definition: Definition, data: Any, files: Any = None, page_ids: Iterable[str] | None = None
) -> tuple[dict[str, Any], bool]:
    """Raw answers from a POST of rendered pages, and whether the resident asked to add or
    remove a group entry (then re-show the page instead of moving on)."""
    wanted = set(page_ids) if page_ids is not None else None
    items = [
        item
        for page in definition["pages"]
        if wanted is None or page["id"] in wanted
        for item in page["items"]
    ]
    raw = _read(items, data, files, prefix="")
    changed = False
    if add := data.get(ADD_ACTION):
        entries = raw.get(add)
        item = item_index(definition).get(add)
        if isinstance(entries, list) and item is not None and len(entries) < item.get("max", 1):
            entries.append({})
            changed = True
    if remove := data.get(REMOVE_ACTION):
        match = re.fullmatch(r"(.+)\[(\d+)\]", remove)
        if match and isinstance(raw.get(match[1]), list):
            entries = raw[match[1]]
            if int(match[2]) < len(entries):
                del entries[int(match[2])]
                changed = True
    return raw, changed
