"""The presets' translation files name real items and options, and cover what they claim."""

import json
from typing import Any

import pytest

from madoguchi.forms.language import iter_items
from madoguchi.forms.presets import BLOCK_DIR, preset_get
from madoguchi.forms.translations import (
    I18N_DIR,
    definition_localise,
    preset_translation,
    translated_presets,
)

LANGUAGES = ["en", "ja-x-easy"]
FULLY_TRANSLATED = {
    "disaster-certificate",
    "child-allowance-claim",
    "child-allowance-change",
    "pregnancy-notification",
}


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


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(FULLY_TRANSLATED))
def test_the_demo_presets_have_no_japanese_left(language, code):
    preset = preset_get(code)
    assert preset is not None
    localised = definition_localise(preset.definition, language)
    marked = [
        item["code"]
        for page in localised["pages"]
        for item in iter_items(page["items"])
        if "(in Japanese only)" in item["label"]
        or "(in Japanese only)" in item.get("help", "")
        or any("(in Japanese only)" in o["label"] for o in item.get("options", []))
    ]
    assert marked == []
    assert "(in Japanese only)" not in localised["title"]
    assert all("(in Japanese only)" not in p["title"] for p in localised["pages"])
    assert (I18N_DIR / language / f"{code}.json").exists()


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
