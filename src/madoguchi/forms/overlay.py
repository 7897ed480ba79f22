"""Municipal customisation as an overlay on a preset, and its resolution into a definition.

    {"labels": {code: label}, "help": {code: text}, "hidden": [code, ...],
     "added_items": [{"page": page_id, "item": {...}}], "notes": {"contact": ..., ...},
     "public_funds": {code: true | false}}

`public_funds` switches 「公金受取口座を利用する」 on or off for a `bank_account` item (ADR 0021).

Standard items keep their codes through every customisation; items a municipality adds use
codes under `local.` so they can never collide with a standard column. Required standard items
cannot be hidden: the law (and every export) expects them.
"""

from __future__ import annotations

import copy
from typing import Any, NotRequired, TypedDict, cast

from django.utils.translation import gettext as _

from madoguchi.forms.language import (
    Definition,
    DefinitionError,
    Item,
    Notes,
    Page,
    all_items,
    definition_check,
    iter_items,
)

LOCAL_PREFIX = "local."
ATTACHMENTS_PAGE = "attachments"


class AddedItem(TypedDict):
    page: str
    item: Item


class Overlay(TypedDict, total=False):
    labels: dict[str, str]
    help: dict[str, str]
    hidden: list[str]
    added_items: list[AddedItem]
    notes: Notes
    public_funds: dict[str, bool]
    rebased_notices: NotRequired[list[str]]


class OverlayError(ValueError):
    """The overlay cannot apply; `messages` are Japanese, for the staff member who made it."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _condition_names(condition: dict[str, Any]) -> set[str]:
    names = {condition["item"]} if "item" in condition else set()
    for key in ("any", "all"):
        for sub in condition.get(key, []):
            names |= _condition_names(sub)
    if "not" in condition:
        names |= _condition_names(condition["not"])
    return names


def _remove(items: list[Item], hidden: set[str]) -> list[Item]:
    kept = []
    for item in items:
        if item["code"] in hidden:
            continue
        if "items" in item:
            item["items"] = _remove(item["items"], hidden)
        kept.append(item)
    return kept


def resolve(base: Definition, overlay: Overlay) -> Definition:
    """The definition residents see: `base` with `overlay` applied, checked against the
    language. Raises OverlayError with messages staff can act on."""
    definition = copy.deepcopy(base)
    index = {item["code"]: item for item in all_items(definition)}
    problems: list[str] = []
    for code, label in overlay.get("labels", {}).items():
        if code in index:
            index[code]["label"] = label
    for code, text in overlay.get("help", {}).items():
        if code in index:
            if text:
                index[code]["help"] = text
            else:
                index[code].pop("help", None)
    for code, offered in overlay.get("public_funds", {}).items():
        if code in index and index[code]["type"] == "bank_account":
            if offered:
                index[code]["public_funds"] = True
            else:
                index[code].pop("public_funds", None)
    hidden = {code for code in overlay.get("hidden", []) if code in index}
    for code in sorted(hidden):
        if index[code].get("required"):
            problems.append(
                _("%(label)s is a required standard item and cannot be hidden.")
                % {"label": index[code]["label"]}
            )
    for item in index.values():
        if item["code"] in hidden:
            continue
        for name in _condition_names(item.get("visible_if", {})) & hidden:
            problems.append(
                _("%(label)s decides whether %(other)s is shown, so it cannot be hidden.")
                % {"label": index[name]["label"], "other": item["label"]}
            )
    if problems:
        raise OverlayError(problems)
    for page in definition["pages"]:
        page["items"] = _remove(page["items"], hidden)
    definition["pages"] = [page for page in definition["pages"] if page["items"]]
    pages = {page["id"]: page for page in definition["pages"]}
    for added in overlay.get("added_items", []):
        local_item: Item = {**copy.deepcopy(added["item"]), "local": True}
        if not local_item["code"].startswith(LOCAL_PREFIX):
            raise OverlayError(
                [_("Codes of added items must start with %(prefix)s.") % {"prefix": LOCAL_PREFIX}]
            )
        page_id = added["page"]
        if page_id not in pages:
            if page_id != ATTACHMENTS_PAGE:
                raise OverlayError([_("The page for the added item no longer exists.")])
            new_page: Page = {"id": ATTACHMENTS_PAGE, "title": "添付書類", "items": []}
            # Attachments go before the closing declaration page, where residents expect them.
            definition["pages"].insert(max(len(definition["pages"]) - 1, 0), new_page)
            pages[page_id] = new_page
        pages[page_id]["items"].append(local_item)
    notes = {k: v for k, v in overlay.get("notes", {}).items() if v}
    if notes:
        definition["notes"] = notes  # type: ignore[typeddict-item]
    else:
        definition.pop("notes", None)
    try:
        return definition_check(definition)
    except DefinitionError as error:
        messages = []
        for problem in error.problems:
            if "duplicate item code" in problem:
                messages.append(_("An item with that code already exists."))
            else:
                messages.append(_("The form is not valid: %(problem)s") % {"problem": problem})
        raise OverlayError(messages) from error


def rebase(overlay: Overlay, new_base: Definition) -> tuple[Overlay, list[str]]:
    """The overlay adjusted to a newer preset, and notices about what could not carry over
    (items the preset removed, optional items that became required)."""
    index = {item["code"]: item for item in all_items(new_base)}
    page_ids = {page["id"] for page in new_base["pages"]} | {ATTACHMENTS_PAGE}
    notices: list[str] = []
    result: Overlay = copy.deepcopy(overlay)
    for key in ("labels", "help"):
        entries: dict[str, str] = result.get(key, {})  # type: ignore[assignment]
        for code in [c for c in entries if c not in index]:
            notices.append(
                _(
                    "The standard form no longer has the item %(code)s; its changed "
                    "wording was dropped."
                )
                % {"code": code}
            )
            del entries[code]
    switches = result.get("public_funds", {})
    for code in [c for c in switches if c not in index]:
        del switches[code]
    kept_hidden = []
    for code in result.get("hidden", []):
        if code not in index:
            continue
        if index[code].get("required"):
            notices.append(
                _("%(label)s is now required in the standard form and is shown again.")
                % {"label": index[code]["label"]}
            )
            continue
        kept_hidden.append(code)
    result["hidden"] = kept_hidden
    added = []
    for entry in result.get("added_items", []):
        if entry["page"] not in page_ids:
            entry = {
                "page": ATTACHMENTS_PAGE
                if entry["item"]["type"] == "file"
                else new_base["pages"][0]["id"],
                "item": entry["item"],
            }
        added.append(entry)
    result["added_items"] = added
    return result, notices


def with_hidden_shown(overlay: Any) -> Overlay:
    """The overlay with nothing hidden: staff pages list hidden items so they can be shown."""
    shown = dict(overlay)
    shown["hidden"] = []
    return cast(Overlay, shown)


def item_in(definition: Definition, code: str) -> Item | None:
    for page in definition["pages"]:
        for item in iter_items(page["items"]):
            if item["code"] == code:
                return item
    return None
