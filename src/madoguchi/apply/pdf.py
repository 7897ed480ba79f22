"""申請書控え: the applicant's PDF copy of a received application (WeasyPrint).

The text is real text in Noto Sans JP (complete TTF files, embedded as subsets), so names such
as 𠮷田 and 葛󠄀城 (with its variation selector) are selectable and extract exactly.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.core import pdf as core_pdf
from madoguchi.core.dates import datetime_text, japanese_active
from madoguchi.forms.translations import definition_localise
from madoguchi.forms.wareki import format_wareki
from madoguchi.signatures.outcomes import Outcome

from . import flow, selectors

if TYPE_CHECKING:
    from madoguchi.applications.models import Application

_CSS = Path(__file__).with_name("pdf.css")


font_face_css = core_pdf.font_face_css


def copy_datetime(moment: datetime.datetime) -> str:
    """和暦 on a Japanese copy (令和8年12月3日 14時05分); the reader's own format otherwise
    (3 December 2026, 14:05 in English)."""
    if not japanese_active():
        return datetime_text(moment)
    local = timezone.localtime(moment)
    return f"{format_wareki(local.date())} {local.hour}時{local.minute:02d}分"


def copy_context(*, application: Application) -> dict[str, Any]:
    definition = definition_localise(application.form_version.definition)
    procedure = selectors.procedure_context(form_version=application.form_version)
    evidence = application.signature_evidence
    submitted = application.submitted_at
    return {
        "application": application,
        "definition": definition,
        "procedure_name": procedure.name or definition["title"],
        "municipality": application.form_version.municipality,
        "submitted_wareki": copy_datetime(submitted) if submitted else "",
        "submitted_iso": (
            timezone.localtime(submitted).isoformat(timespec="seconds") if submitted else ""
        ),
        "pages": flow.answer_rows(definition, application.answers, []),
        "attachments": list(application.attachments.order_by("item_path")),
        "evidence": evidence,
        "outcome_label": Outcome(evidence.outcome).label if evidence else "",
        "signed_wareki": copy_datetime(application.signed_at) if application.signed_at else "",
        "created_wareki": copy_datetime(timezone.now()),
        "title": _("Copy of your application"),
    }


def application_copy_pdf(*, application: Application) -> bytes:
    # Imported here: WeasyPrint loads Pango and fontconfig, which only this view needs.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string("apply/pdf/copy.html", copy_context(application=application))
    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=font_face_css(), font_config=fonts),
        CSS(string=_CSS.read_text(encoding="utf-8"), font_config=fonts),
    ]
    document = HTML(string=html, base_url=str(_CSS.parent))
    data: bytes = document.write_pdf(stylesheets=stylesheets, font_config=fonts)
    return data
