"""Every procedure's name and summary, and every life event, in English and やさしい日本語.

The catalogue's Japanese (data/procedures.json) stays the source; data/procedures_i18n.json
carries the other two languages, and a text missing there would be shown in Japanese with
`lang="ja"` — this test fails instead, naming what is missing.
"""

import json
import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils.translation import override

from madoguchi.catalog.i18n import DATA, life_event_name, procedure_text

CATALOG_DATA = DATA.parent
PROCEDURES = json.loads((CATALOG_DATA / "procedures.json").read_text(encoding="utf-8"))
LIFE_EVENTS = json.loads((CATALOG_DATA / "life_events.json").read_text(encoding="utf-8"))
LANGUAGES = ["en", "ja-x-easy"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def test_the_translation_file_names_only_real_procedures_and_events():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert set(data) == set(LANGUAGES)
    for language in LANGUAGES:
        assert set(data[language]["procedures"]) <= {p["code"] for p in PROCEDURES}
        assert set(data[language]["life_events"]) <= {e["code"] for e in LIFE_EVENTS}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_procedure_has_a_name_and_a_summary(language):
    assert len(PROCEDURES) == 32
    missing = [
        (p["code"], field)
        for p in PROCEDURES
        for field in ("name", "summary")
        if not procedure_text(p["code"], field, language)
    ]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_life_event_has_a_name(language):
    # In easy Japanese 介護 and 災害 stay as they are (the page adds furigana); in English no
    # name may be the Japanese.
    names = {e["code"]: life_event_name(e["code"], "", language) for e in LIFE_EVENTS}
    assert all(names.values()), names
    if language == "en":
        assert not any(JAPANESE.search(name) for name in names.values()), names


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_english_summaries_are_english(procedure):
    summary = procedure_text(procedure["code"], "summary", "en") or ""
    # Japanese only as an official term beside its English: "… (母子健康手帳)".
    assert len(JAPANESE.findall(summary)) * 5 < len(summary), summary
    assert summary.endswith("."), summary


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_easy_summaries_are_short_spaced_sentences_of_their_own(procedure):
    summary = procedure_text(procedure["code"], "summary", "ja-x-easy") or ""
    assert summary != procedure["summary"]
    assert max(len(run) for run in summary.split()) <= 20, summary  # spaces between 文節
    sentences = [s for s in summary.split("。") if s]
    assert all(len(s) <= 80 for s in sentences), summary
    assert "<ruby" not in summary  # furigana come from the renderer


def test_a_summary_without_translation_falls_back_to_japanese_marked_as_such():
    template = Template("{% load catalog_i18n %}{{ p|procedure_summary }}")
    unknown = SimpleNamespace(code="not-in-the-catalogue", summary="日本語の説明")
    known = SimpleNamespace(code="care-high-cost", summary="日本語の説明")
    with override("en"):
        assert template.render(Context({"p": unknown})) == '<span lang="ja">日本語の説明</span>'
        assert template.render(Context({"p": known})).startswith("If what you paid yourself")
    with override("ja"):
        assert template.render(Context({"p": known})) == "日本語の説明"
