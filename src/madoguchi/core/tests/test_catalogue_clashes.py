"""One meaning per msgid: the same msgid (and msgctxt) reads the same in every app's catalogue.

Django does not look a message up in the catalogue of the app whose template or code asked for
it: it merges every app's catalogue of a language into one (`django.utils.translation.
trans_real`; the app listed first in INSTALLED_APPS wins, config/locale wins over all). So when
reception translates "Status" as 状態 and applications as 状況, one of them silently shows the
other's word. Where the meanings differ the source gives the string a context (`pgettext`,
`{% translate "…" context "…" %}`); where the meaning is the same the wording is one
(docs/i18n.md, ADR 0023).

The catalogues of one language also agree on their Plural-Forms: Django keeps a catalogue with
another plural rule apart, and an English catalogue with nplurals=1 shows "2 try left".
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
LANGUAGES = ("ja", "en", "ja_X-easy")
PLURAL_FORMS = {
    "ja": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
    "ja_X-easy": "nplurals=1; plural=0;",
}
# (language, msgctxt or "", msgid) of clashes accepted on purpose, with the reason. Empty: keep
# it so.
ALLOWED: dict[tuple[str, str, str], str] = {}

Key = tuple[str, str, str]


def catalogues(language: str) -> dict[str, polib.POFile]:
    """{app (or "config"): catalogue} of every catalogue of the language in the package."""
    found = {}
    for po in sorted(PACKAGE.glob(f"*/locale/{language}/LC_MESSAGES/django.po")):
        found[po.parents[3].name] = polib.pofile(str(po))
    return found


def translations(language: str) -> dict[Key, dict[str, tuple[str, ...]]]:
    """{(msgctxt, msgid, msgid_plural): {app: the forms as used}} of the translated entries."""
    forms_used = int(PLURAL_FORMS[language].split(";")[0].split("=")[1])
    found: dict[Key, dict[str, tuple[str, ...]]] = defaultdict(dict)
    for app, catalogue in catalogues(language).items():
        for entry in catalogue:
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                forms = tuple(entry.msgstr_plural.get(i, "") for i in range(forms_used))
            else:
                forms = (entry.msgstr,)
            if not any(forms):
                continue  # untranslated: not in the compiled catalogue, so it cannot win
            key = (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
            found[key][app] = forms
    return found


def clashes(language: str) -> list[str]:
    lines = []
    for (context, msgid, _plural), by_app in sorted(translations(language).items()):
        if len(set(by_app.values())) < 2 or (language, context, msgid) in ALLOWED:
            continue
        wording = "; ".join(f"{app}: {' / '.join(forms)}" for app, forms in sorted(by_app.items()))
        where = f" (context {context!r})" if context else ""
        lines.append(f"{msgid!r}{where} → {wording}")
    return lines


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_msgid_has_one_translation_across_the_apps(language):
    found = clashes(language)
    assert found == [], (
        f"{len(found)} msgid(s) translated differently in different apps' {language} "
        "catalogues (one app's wording would show on the other's pages): give a context where "
        "the meaning differs, one wording where it is the same\n" + "\n".join(found)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_of_a_language_share_one_plural_rule(language):
    wrong = {
        app: catalogue.metadata.get("Plural-Forms", "")
        for app, catalogue in catalogues(language).items()
        if catalogue.metadata.get("Plural-Forms", "").strip() != PLURAL_FORMS[language]
    }
    assert wrong == {}, f"Plural-Forms should be {PLURAL_FORMS[language]!r}"


def test_the_clash_check_finds_a_clash(tmp_path, monkeypatch):
    """The check itself: two apps translating one msgid two ways are reported, and the same
    msgid under a context is not."""
    for app, wording, context in (("one", "状態", None), ("two", "状況", None), ("two", "x", "c")):
        folder = tmp_path / app / "locale" / "ja" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "django.po"
        catalogue = polib.pofile(str(path)) if path.exists() else polib.POFile()
        catalogue.metadata = {"Plural-Forms": PLURAL_FORMS["ja"]}
        catalogue.append(polib.POEntry(msgid="Status", msgstr=wording, msgctxt=context))
        catalogue.save(str(path))
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert clashes("ja") == ["'Status' → one: 状態; two: 状況"]


@pytest.mark.parametrize("app", sorted(catalogues("en")))
def test_an_english_plural_entry_has_its_singular_and_its_plural(app):
    """A translated English plural entry fills both forms ("1 record was registered" / "2
    records were registered"); an entry written under the Japanese rule (nplurals=1) has only
    the first."""
    wrong = [
        entry.msgid
        for entry in catalogues("en")[app]
        if entry.msgid_plural
        and not entry.obsolete
        and any(entry.msgstr_plural.values())
        and not all(entry.msgstr_plural.get(i) for i in (0, 1))
    ]
    assert wrong == []
