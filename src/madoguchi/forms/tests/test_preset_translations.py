"""Every standard preset reads fully in English and in やさしい日本語 (issue 16).

The one list of presets whose own items are not translated yet is NOT_YET_TRANSLATED below;
a preset leaves it when its sidecars in presets/i18n/en/ and presets/i18n/ja-x-easy/ cover its
title, description, every page and every item's label, help and options (block items included).
"""

import re
from typing import Any

import pytest
from django.utils.translation import gettext, override

from madoguchi.forms.language import iter_items
from madoguchi.forms.presets import PRESET_DIR, preset_get
from madoguchi.forms.translations import I18N_DIR, definition_localise

LANGUAGES = ["en", "ja-x-easy"]
ALL_PRESETS = sorted(p.stem for p in PRESET_DIR.glob("*.json"))

# Empty since issue 16: all 32 presets ship in both languages. A preset added later without
# its sidecars goes here until translated; nothing else in the suite keeps such a list.
NOT_YET_TRANSLATED: set[str] = set()
TRANSLATED = [code for code in ALL_PRESETS if code not in NOT_YET_TRANSLATED]

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def _texts(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) for every resident-visible text of a form definition."""
    out = [("title", definition["title"]), ("description", definition.get("description", ""))]
    for page in definition["pages"]:
        out.append((f"page {page['id']}", page["title"]))
        for item in iter_items(page["items"]):
            out.append((item["code"], item["label"]))
            out.append((f"{item['code']} help", item.get("help", "")))
            out += [(f"{item['code']}={o['value']}", o["label"]) for o in item.get("options", [])]
    return [(where, text) for where, text in out if text]


def _localised(code: str, language: str) -> dict[str, Any]:
    preset = preset_get(code)
    assert preset is not None, code
    localised: dict[str, Any] = dict(definition_localise(preset.definition, language))
    return localised


def test_the_list_names_real_presets_and_all_32_are_counted():
    assert len(ALL_PRESETS) == 32
    assert set(NOT_YET_TRANSLATED) <= set(ALL_PRESETS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", TRANSLATED)
def test_nothing_is_left_in_japanese(language, code):
    assert (I18N_DIR / language / f"{code}.json").exists()
    with override(language):
        mark = gettext("(in Japanese only)")  # 「（日本語だけ）」 in easy Japanese
    marked = [where for where, text in _texts(_localised(code, language)) if mark in text]
    assert marked == [], f"{code} [{language}] still in Japanese: {marked}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_english_is_english(code):
    # Japanese appears in English only as an official term beside its English, "Power of
    # attorney (委任状)", or a sample character (𠮷): never as most of the text.
    leftover = [
        (where, text)
        for where, text in _texts(_localised(code, "en"))
        if JAPANESE.search(text)  # "3%" is in no language
        and (
            not re.search("[A-Za-z]{2}", text)
            or len(JAPANESE.findall(text)) * 2 >= len(text.replace(" ", ""))
        )
    ]
    assert leftover == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_easy_japanese_is_written_in_short_spaced_phrases(code):
    preset = preset_get(code)
    assert preset is not None
    original = dict(_texts(dict(preset.definition)))
    for where, text in _texts(_localised(code, "ja-x-easy")):
        # Spaces between phrases (docs/i18n.md): no long run of characters without one.
        longest = max(len(run) for run in text.split())
        assert longest <= 20, (code, where, text)
        # Furigana come from the renderer, never from the data.
        assert "<ruby" not in text and "<rt" not in text, (code, where)
        # A sentence-long official text is rewritten, not copied from the Japanese form.
        if len(JAPANESE.findall(original.get(where, ""))) > 12:
            assert text != original[where], (code, where)


def test_a_preset_on_the_list_is_really_untranslated_so_the_list_only_shrinks():
    translated_but_listed = []
    for code in sorted(NOT_YET_TRANSLATED):
        for language in LANGUAGES:
            with override(language):
                mark = gettext("(in Japanese only)")
            if any(mark in text for _, text in _texts(_localised(code, language))):
                break
        else:
            translated_but_listed.append(code)
    assert translated_but_listed == [], "translated: take them off NOT_YET_TRANSLATED"
