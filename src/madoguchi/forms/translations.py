"""A form in the resident's language: labels, help, options and titles; never the data.

The standard presets ship their English and やさしい日本語 wording beside them, in
presets/i18n/<language>/<procedure_code>.json (and _blocks.json for the shared blocks), keyed by
the standard item code, which every municipality's version keeps. `definition_localise` returns a
copy of a definition with those texts put in; the answers' values (option codes, ISO dates) are
the same in every language, so staff exports do not depend on the resident's language.

An item without a translation — a municipality's own item, or a standard item whose wording the
municipality changed (its Japanese no longer matches the preset's) — keeps its Japanese text and
is visibly marked「(in Japanese only)」, so it is never dropped or silently shown as English.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from madoguchi.forms.language import Definition, Item, iter_items
from madoguchi.forms.presets import PRESET_DIR, preset_get
from madoguchi.forms.types import ItemText

I18N_DIR = PRESET_DIR / "i18n"
SOURCE_LANGUAGE = "ja"


@cache
def _sidecar(language: str, name: str) -> dict[str, Any]:
    path: Path = I18N_DIR / language / f"{name}.json"
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def preset_translation(procedure_code: str, language: str) -> dict[str, Any]:
    """The preset's texts in `language`: title, description, pages, items (blocks merged)."""
    own = _sidecar(language, procedure_code)
    items = {**_sidecar(language, "_blocks").get("items", {}), **own.get("items", {})}
    return {**own, "items": items}


def translated_presets(language: str) -> list[str]:
    """Procedure codes whose preset has a translation file in `language`."""
    folder = I18N_DIR / language
    return sorted(p.stem for p in folder.glob("*.json") if not p.stem.startswith("_"))


@cache
def _preset_texts(procedure_code: str) -> dict[str, tuple[str, str]]:
    preset = preset_get(procedure_code)
    if preset is None:
        return {}
    return {
        item["code"]: (item["label"], item.get("help", ""))
        for page in preset.definition["pages"]
        for item in iter_items(page["items"])
    }


def _mark(text: str) -> str:
    # Not inside the f-string: xgettext does not look into f-strings.
    mark = _("(in Japanese only)")
    return f"{text} {mark}"


def _localise_item(
    item: Item, found: dict[str, Any] | None, standard: tuple[str, str] | None
) -> None:
    # A translation the definition carries itself (an item a municipality added) comes first.
    own: dict[str, Any] = dict(item.get("i18n", {}).get(get_language() or "", {}))
    # A standard translation fits only while the municipality kept the standard wording.
    if own:
        found = own
    elif standard is None or standard[0] != item["label"]:
        found = None
    if not found or not found.get("label"):
        item["label"] = _mark(item["label"])
        return
    item["label"] = found["label"]
    if item.get("help"):
        if found.get("help") and (own or standard is None or standard[1] == item["help"]):
            item["help"] = found["help"]
        else:
            item["help"] = _mark(item["help"])
    labels = found.get("options", {})
    for option in item.get("options", []):
        if option["value"] in labels:
            option["label"] = labels[option["value"]]
        else:
            option["label"] = _mark(option["label"])


def definition_localise(definition: Definition, language: str | None = None) -> Definition:
    """A copy of `definition` in `language` (default: the active one); Japanese is unchanged."""
    language = language or get_language() or SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return definition
    with override(language):
        return _localised(definition, language)


def _localised(definition: Definition, language: str) -> Definition:
    out = copy.deepcopy(definition)
    texts = preset_translation(definition["procedure_code"], language)
    standard = _preset_texts(definition["procedure_code"])
    out["title"] = texts.get("title") or _mark(definition["title"])
    if definition.get("description"):
        out["description"] = texts.get("description") or _mark(definition["description"])
    pages = texts.get("pages", {})
    for page in out["pages"]:
        page["title"] = pages.get(page["id"]) or _mark(page["title"])
        for item in iter_items(page["items"]):
            _localise_item(item, texts["items"].get(item["code"]), standard.get(item["code"]))
    return out


EDITOR_LANGUAGES = (("en", "en"), ("ja-x-easy", "easy"))


def item_translations(*, cleaned: dict[str, Any], option_values: list[str]) -> dict[str, ItemText]:
    """The editor's translation fields (label_en, help_en, options_en, label_easy, …) as an
    item's `i18n`; options one per line, in the order of the Japanese ones."""
    out: dict[str, ItemText] = {}
    for language, suffix in EDITOR_LANGUAGES:
        text: ItemText = {}
        if label := (cleaned.get(f"label_{suffix}") or "").strip():
            text["label"] = label
        if help_text := (cleaned.get(f"help_{suffix}") or "").strip():
            text["help"] = help_text
        lines = [
            line.strip()
            for line in (cleaned.get(f"options_{suffix}") or "").splitlines()
            if line.strip()
        ]
        if lines:
            text["options"] = dict(zip(option_values, lines, strict=False))
        if text:
            out[language] = text
    return out
