"""The presets' translation files name real items and options; an untranslated item falls back.

Which presets are complete is checked in test_preset_translations.py (the one list)."""

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


def test_an_untranslated_preset_falls_back_marked_not_missing():
    preset = preset_get("child-allowance-revision")
    assert preset is not None
    localised = definition_localise(preset.definition, "en")
    original = [i["code"] for p in preset.definition["pages"] for i in iter_items(p["items"])]
    shown = [i["code"] for p in localised["pages"] for i in iter_items(p["items"])]
    assert shown == original
    labels = [i["label"] for p in localised["pages"] for i in iter_items(p["items"])]
    assert any(label.endswith("(in Japanese only)") for label in labels)
    assert "Applicant's full name" in labels  # the shared block is translated
