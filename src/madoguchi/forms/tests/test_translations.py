"""The presets' translation files name real items and options; an untranslated item falls back.

Which presets are complete is checked in test_preset_translations.py (the one list)."""

import copy
import json
from typing import Any

import pytest

from madoguchi.forms.language import iter_items
from madoguchi.forms.presets import BLOCK_DIR, preset_get
from madoguchi.forms.translations import (
    definition_localise,
    preset_translation,
    translated_presets,
)

LANGUAGES = ["en", "ja-x-easy"]
# Which presets are fully translated: test_preset_translations.py (one list).


def _items(code: str) -> dict[str, Any]:
    preset = preset_get(code)
    assert preset is not None, code
    return {i["code"]: i for p in preset.definition["pages"] for i in iter_items(p["items"])}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translated_code_and_option_exists(language):
    block_codes = {
        item["code"]
        for path in BLOCK_DIR.glob("*.json")
        for item in iter_items(json.loads(path.read_text(encoding="utf-8")))
    }
    blocks = preset_translation("_none_", language)["items"]
    assert set(blocks) <= block_codes
    for code in translated_presets(language):
        items = _items(code)
        texts = preset_translation(code, language)
        preset = preset_get(code)
        assert preset is not None
        assert set(texts.get("pages", {})) <= {p["id"] for p in preset.definition["pages"]}
        for item_code, text in texts["items"].items():
            if item_code not in items:
                assert item_code in blocks, (code, item_code)
                continue
            values = {o["value"] for o in items[item_code].get("options", [])}
            assert set(text.get("options", {})) <= values, (code, item_code)


def test_an_untranslated_item_falls_back_marked_not_missing():
    """A municipality's own item, and a standard item whose wording it changed, stay Japanese
    and marked; the rest of the form is translated."""
    preset = preset_get("child-allowance-revision")
    assert preset is not None
    definition = copy.deepcopy(preset.definition)
    page = definition["pages"][1]
    page["items"][0]["label"] = "改定の区分"  # the municipality's own wording of revision.kind
    page["items"].append({"code": "x.note", "type": "text", "label": "連絡事項"})
    localised = definition_localise(definition, "en")
    original = [i["code"] for p in definition["pages"] for i in iter_items(p["items"])]
    shown = {i["code"]: i for p in localised["pages"] for i in iter_items(p["items"])}
    assert list(shown) == original
    assert shown["revision.kind"]["label"] == "改定の区分 (in Japanese only)"
    assert shown["x.note"]["label"] == "連絡事項 (in Japanese only)"
    assert shown["revision.reason"]["label"] == "Reason"
    assert shown["applicant.name"]["label"] == "Applicant's full name"  # the shared block
