"""Every standard preset ships in English and やさしい日本語, with nothing left in Japanese.

All 32 presets are checked, except those in NOT_YET_TRANSLATED: the one list of presets whose
own items are still shown in Japanese (marked「(in Japanese only)」). Translating a preset means
adding presets/i18n/<language>/<code>.json for both languages (docs/i18n.md) and taking it off
this list; a preset on the list that turns out fully translated fails too, so the list only
shrinks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from madoguchi.forms.language import Definition, iter_items
from madoguchi.forms.presets import preset_all, preset_get
from madoguchi.forms.translations import I18N_DIR, definition_localise

LANGUAGES = ["en", "ja-x-easy"]
MARK = "(in Japanese only)"
# Part A of issue 16 (care-*, moving-out-notification) is translated on another branch.
NOT_YET_TRANSLATED: set[str] = {
    "care-certification",
    "care-certification-after-move",
    "care-certification-change",
    "care-certification-renewal",
    "care-cost-limit",
    "care-cost-share-reissue",
    "care-equipment-purchase",
    "care-high-cost",
    "care-home-renovation",
    "care-insurance-card-reissue",
    "care-plan-request",
    "moving-out-notification",
}
ALL_PRESETS = sorted(preset_all())
TRANSLATED = [code for code in ALL_PRESETS if code not in NOT_YET_TRANSLATED]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
MAX_UNSPACED = 12  # 保管場所使用承諾証明書, an official name explained in brackets, is 11
LATIN = re.compile(r"[A-Za-z]")


def _texts(definition: Definition) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a resident reads in a form."""
    yield "title", definition["title"]
    if definition.get("description"):
        yield "description", definition["description"]
    for page in definition["pages"]:
        yield f"page {page['id']}", page["title"]
        for item in iter_items(page["items"]):
            yield item["code"], item["label"]
            if item.get("help"):
                yield f"{item['code']} help", item["help"]
            for option in item.get("options", []):
                yield f"{item['code']}={option['value']}", option["label"]


def _marked(definition: Definition) -> list[str]:
    return [where for where, text in _texts(definition) if MARK in text]


def test_the_list_names_real_presets_and_all_32_are_covered():
    assert len(ALL_PRESETS) == 32
    assert set(ALL_PRESETS) >= NOT_YET_TRANSLATED


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", TRANSLATED)
def test_preset_is_fully_translated(code: str, language: str) -> None:
    assert (I18N_DIR / language / f"{code}.json").exists(), f"no {language}/{code}.json"
    preset = preset_get(code)
    assert preset is not None
    original = dict(_texts(preset.definition))
    localised = definition_localise(preset.definition, language)
    assert _marked(localised) == []
    for where, text in _texts(localised):
        assert text.strip(), (code, where)
        # A text may stay as it is only when it is in no language ("1%", "例：03-1234-5678" is not).
        neutral = text == original[where] and not JAPANESE.search(text)
        if language == "en":
            assert LATIN.search(text) or neutral, (code, where, text)
        else:
            assert JAPANESE.search(text) or neutral, (code, where, text)
            # やさしい日本語 puts a space between phrases (分かち書き, docs/i18n.md): no long
            # unbroken run, as an official sentence copied over would be.
            longest = max((len(run) for run in JAPANESE_RUN.findall(text)), default=0)
            assert longest <= MAX_UNSPACED, (code, where, text)


@pytest.mark.parametrize("code", sorted(NOT_YET_TRANSLATED))
def test_a_preset_still_on_the_list_is_not_translated_yet(code: str) -> None:
    preset = preset_get(code)
    assert preset is not None
    still_japanese = [
        language
        for language in LANGUAGES
        if _marked(definition_localise(preset.definition, language))
    ]
    assert still_japanese, f"{code} is translated: take it off NOT_YET_TRANSLATED"
