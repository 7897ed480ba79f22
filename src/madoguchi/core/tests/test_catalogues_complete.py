"""Every message a resident can see has an English and an easy-Japanese translation.

Run after `make messages-update` (which refreshes locale/ja, locale/en and locale/ja_X-easy from
the source): a new msgid left untranslated, or marked fuzzy, fails here with its app and text.

The resident-facing apps are RESIDENT_APPS. Inside them, a msgid used only by staff screens (the
form editor, model names of the operator admin) is not shown to residents, whose console stays
Japanese (core/i18n.py), so it need not be translated: STAFF_ONLY_SOURCES names those files.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from madoguchi.core.i18n import EASY_JAPANESE_LOCALE

PACKAGE = Path(__file__).resolve().parents[2]
RESIDENT_APPS = (
    "core",
    "municipalities",
    "catalog",
    "forms",
    "signatures",
    "applications",
    "signin",
    "idp",
    "apply",
    "linkage",
    "vaccinations",
    "kpis",
    "publicfunds",
    "campaigns",
)
# Per app: source files (or folders, ending in /) only staff screens use.
STAFF_ONLY_SOURCES: dict[str, tuple[str, ...]] = {
    # The 全銀 file checks speak to the staff who make or import a payment file.
    "core": ("zengin.py",),
    "forms": (
        "models.py",
        "overlay.py",
        "services.py",
        "staff_forms.py",
        "views.py",
        "templates/madoguchi_forms/staff/",
    ),
    "linkage": ("models.py",),
    "publicfunds": ("models.py",),
    # The clinic's upload and the staff console stay Japanese; the resident's certificate pages,
    # the PDF and the public verify page do not.
    "vaccinations": (
        "models.py",
        "intake.py",
        "checking.py",
        "transfer.py",
        "tasks.py",
        "templates/vaccinations/clinic_home.html",
        "templates/vaccinations/upload.html",
        "templates/vaccinations/staff_correct.html",
        "templates/vaccinations/staff_counts.html",
        "templates/vaccinations/staff_home.html",
        "templates/vaccinations/staff_resident.html",
        "templates/vaccinations/staff_transfer.html",
        "templates/vaccinations/staff_transfers.html",
    ),
    # Only the open data pages (/opendata/, /opendata/adoption/) are public; the dashboards, the
    # counter-figures upload and the staff adoption page stay Japanese.
    "kpis": (
        "apps.py",
        "counter_csv.py",
        "forms.py",
        "models.py",
        "views.py",
        "templates/kpis/_choose.html",
        "templates/kpis/_nav.html",
        "templates/kpis/adoption.html",
        "templates/kpis/counter.html",
        "templates/kpis/counter_check.html",
        "templates/kpis/dashboard.html",
    ),
    # Residents see the 確認書, the bank form, the PIN page, My page's list and the お知らせ; the
    # campaign pages of the staff console and the management commands stay Japanese.
    "campaigns": (
        "models.py",
        "jobs.py",
        "progress.py",
        "runner.py",
        "tasks.py",
        "management/",
        "templates/campaigns/_cancel_form.html",
        "templates/campaigns/_nav.html",
        "templates/campaigns/_payer_form.html",
        "templates/campaigns/_working.html",
        "templates/campaigns/_working_field.html",
        "templates/campaigns/_unpaid_form.html",
        "templates/campaigns/staff_cancel.html",
        "templates/campaigns/staff_detail.html",
        "templates/campaigns/staff_edit.html",
        "templates/campaigns/staff_flags.html",
        "templates/campaigns/staff_list.html",
        "templates/campaigns/staff_payer.html",
        "templates/campaigns/staff_unpaid.html",
    ),
}


def _staff_only(app: str, entry: polib.POEntry) -> bool:
    staff = STAFF_ONLY_SOURCES.get(app, ())
    if not staff or not entry.occurrences:
        return False
    return all(
        any(path == s or (s.endswith("/") and path.startswith(s)) for s in staff)
        for path, _line in entry.occurrences
    )


def _missing(app: str, locale: str, package: Path = PACKAGE) -> list[str]:
    source = polib.pofile(str(package / app / "locale" / "ja" / "LC_MESSAGES" / "django.po"))
    path = package / app / "locale" / locale / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return [f"{path} is missing"]
    catalogue = polib.pofile(str(path))
    done = {
        (e.msgctxt, e.msgid)
        for e in catalogue
        if not e.obsolete and "fuzzy" not in e.flags and e.translated()
    }
    return [
        e.msgid
        for e in source
        if not e.obsolete and (e.msgctxt, e.msgid) not in done and not _staff_only(app, e)
    ]


@pytest.mark.parametrize("locale", ["en", EASY_JAPANESE_LOCALE])
@pytest.mark.parametrize("app", RESIDENT_APPS)
def test_resident_catalogue_is_complete(app: str, locale: str) -> None:
    missing = _missing(app, locale)
    assert not missing, f"{app}/locale/{locale}: {len(missing)} untranslated: {missing[:10]}"


def test_the_check_sees_a_missing_and_a_fuzzy_message(tmp_path: Path) -> None:
    catalogues: dict[str, list[tuple[str, str, list[str]]]] = {
        "ja": [("Apply", "申請する", []), ("Back", "戻る", []), ("Next", "次へ", [])],
        "en": [("Apply", "Apply", []), ("Back", "Back", ["fuzzy"])],
    }
    for locale, entries in catalogues.items():
        po = polib.POFile()
        for msgid, msgstr, flags in entries:
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=flags))
        folder = tmp_path / "demo" / "locale" / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po.save(str(folder / "django.po"))
    assert _missing("demo", "en", package=tmp_path) == ["Back", "Next"]


_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def _japanese_in_english(path: Path) -> list[str]:
    """English entries that are Japanese text ("Notices" → 「お知らせ」): what a catalogue merge
    fills in from another app's Japanese. A Japanese term beside English is fine."""
    wrong = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete or not entry.msgstr or _JAPANESE.search(entry.msgid):
            continue
        text = _PLACEHOLDER.sub("", entry.msgstr)
        if _JAPANESE.search(text) and not re.search("[A-Za-z]{2}", text):
            wrong.append(f"{entry.msgid!r} → {entry.msgstr!r}")
    return wrong


@pytest.mark.parametrize(
    "path",
    sorted(PACKAGE.glob("*/locale/en/LC_MESSAGES/django.po")),
    ids=lambda p: p.parts[-5],
)
def test_english_catalogues_hold_english(path: Path) -> None:
    # Django takes a msgid's translation from the first app in INSTALLED_APPS that has it, so a
    # Japanese msgstr in any app's English catalogue can show on every English page.
    wrong = _japanese_in_english(path)
    assert not wrong, f"{path}: {len(wrong)} entries in Japanese: {wrong[:5]}"
