"""Resident pages of data linkage (docs/linkage.md): the consent offer 「住民基本台帳などから取得
する」 of an application, and 「やりとり履歴」 — every exchange about the resident, filterable,
as a page, CSV or PDF. No JavaScript; post/redirect/get."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.accounts.types import Gender
from madoguchi.applications import services as application_services
from madoguchi.audit.services import audit_record
from madoguchi.forms.fieldtypes import registry
from madoguchi.linkage import catalogue
from madoguchi.linkage import selectors as linkage_selectors
from madoguchi.linkage import services as linkage_services
from madoguchi.linkage.types import Category, Outcome

from . import linkage, pdf
from .views import (
    EDITABLE,
    _after_submission,
    _context,
    _first_page,
    _ip,
    _user,
    with_application,
    with_resident,
)

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.applications.models import Application


@require_http_methods(["GET", "POST"])
@with_application
def prefill(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if application.status not in EDITABLE:
        return _after_submission(application)
    plan = linkage.plan_for(application)
    first = _first_page(application)
    if plan is None:
        return redirect("apply:page", application.public_id, first)
    if request.method == "POST":
        if request.POST.get("_action") != "fetch":
            messages.info(request, _("Nothing was fetched. Please fill in the form yourself."))
            return redirect("apply:page", application.public_id, first)
        try:
            result = linkage.prefill_apply(
                application=application, resident=resident, user=_user(request)
            )
        except application_services.NotEditable:
            return _after_submission(application)
        for failure in result.failures:
            messages.warning(request, failure)
        if result.failures:
            messages.warning(
                request,
                _("Please fill in those items yourself. Nothing you entered has been lost."),
            )
        if result.values:
            messages.success(
                request,
                ngettext(
                    "%(count)d item was filled in from %(holders)s. Please check it.",
                    "%(count)d items were filled in from %(holders)s. Please check them.",
                    len(result.values),
                )
                % {
                    "count": len(result.values),
                    "holders": "・".join(
                        sorted({s.holder_name for s in linkage.sources_for(application).values()})
                    ),
                },
            )
        return redirect("apply:page", application.public_id, first)
    already = linkage.sources_for(application)
    return render(
        request,
        "apply/prefill.html",
        _context(application, first, plan=plan, already=already, first_page=first),
    )


def _filters(request: HttpRequest) -> dict[str, Any]:
    category = request.GET.get("category", "")
    outcome = request.GET.get("outcome", "")
    year_text = request.GET.get("year", "")
    return {
        "category": category if category in Category.values else "",
        "outcome": outcome if outcome in Outcome.values else "",
        "year": int(year_text) if year_text.isdigit() and len(year_text) == 4 else None,
    }


@require_GET
@with_resident
def exchanges(request: HttpRequest, resident: Resident) -> HttpResponse:
    filters = _filters(request)
    rows = linkage_selectors.exchanges_for_subject(subject=resident.subject, **filters)
    fmt = request.GET.get("format", "")
    audit_record(
        action="linkage.history_viewed",
        actor=_user(request),
        municipality_code=resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(resident.pk),
        ip_address=_ip(request),
        data={"count": len(rows), "format": fmt or "html"},
    )
    if fmt == "csv":
        return _csv(rows)
    if fmt == "pdf":
        return _pdf(rows, resident)
    query = request.GET.urlencode()
    return render(
        request,
        "apply/exchanges.html",
        {
            "resident": resident,
            "rows": rows,
            "filters": filters,
            "categories": Category.choices,
            "outcomes": Outcome.choices,
            "query": query.replace("format=html&", ""),
        },
    )


HEADERS = (
    "Date and time",
    "Requester",
    "Holder",
    "Administrative task",
    "Items",
    "Result of the exchange",
    "Why",
)


def _csv(rows: list[linkage_selectors.HistoryRow]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_(h) for h in HEADERS] + [_("Exchange id")])
    for row in rows:
        writer.writerow(
            [
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                row.requester,
                row.holder,
                row.jimu,
                "・".join(row.items),
                row.outcome_label,
                row.initiated_by,
                row.exchange_id,
            ]
        )
    # A BOM so spreadsheet programs read the UTF-8 as such.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    _attachment(response, "exchanges.csv", "やりとり履歴.csv")
    return response


def _pdf(rows: list[linkage_selectors.HistoryRow], resident: Resident) -> HttpResponse:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(
        "apply/pdf/exchanges.html",
        {
            "rows": rows,
            "resident": resident,
            "headers": [_(h) for h in HEADERS],
            "created_wareki": pdf.copy_datetime(timezone.now()),
        },
    )
    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=pdf.font_face_css(), font_config=fonts),
        CSS(string=pdf._CSS.read_text(encoding="utf-8"), font_config=fonts),
    ]
    data = HTML(string=html, base_url=str(pdf._CSS.parent)).write_pdf(
        stylesheets=stylesheets, font_config=fonts
    )
    response = HttpResponse(data, content_type="application/pdf")
    _attachment(response, "exchanges.pdf", "やりとり履歴.pdf")
    return response


def _attachment(response: HttpResponse, ascii_name: str, name: str) -> None:
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "no-store"


YES_NO = [
    {"value": "yes", "label": gettext_lazy("Yes")},
    {"value": "no", "label": gettext_lazy("No")},
]


def _display(code: str, value: Any) -> str:
    spec = catalogue.item_get(code)
    if spec is None or value is None:
        return _("No record")
    if code == "tax.taxable":
        return _("Taxable") if value == "yes" else _("Not taxable")
    if code == "jumin.sex":
        return str(Gender(value).label) if value in Gender.values else str(value)
    if spec.is_rows:
        return _people_display(value)
    field_type = registry.get(spec.field_type)
    item: dict[str, Any] = {"code": code, "type": spec.field_type, "label": str(spec.label)}
    if spec.field_type == "radio":
        item["options"] = [{"value": o["value"], "label": str(o["label"])} for o in YES_NO]
    if field_type is None:
        return str(value)
    return field_type.display(item, value)  # type: ignore[arg-type]


def _people_display(rows: Any) -> str:
    """A list of household members: 「𠮷田 陽翔（ヨシダ ハルト）2019年6月1日生 子」, one after
    another."""
    people = [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
    if not people:
        return _("None recorded")
    shown = []
    for person in people:
        parts = [
            _display("jumin.name", person.get("name")),
            "（" + _display("jumin.name_kana", person.get("name_kana")) + "）",
            _display("jumin.birth_date", person.get("birth_date")),
            str(person.get("relationship", "")),
        ]
        shown.append(" ".join(part for part in parts if part))
    return "、".join(shown)


@require_http_methods(["GET", "POST"])
@with_resident
def information(request: HttpRequest, resident: Resident) -> HttpResponse:
    """わたしの情報: fetched live through the hub when the resident asks (POST), never kept."""
    results = []
    if request.method == "POST":
        wanted = [c for c in request.POST.getlist("category") if c in Category.values]
        for entry in linkage_services.self_information_fetch(
            subject=resident.subject,
            municipality_code=resident.municipality_id,
            categories=wanted or None,
        ):
            results.append(
                {
                    "category": Category(entry.category).label,
                    "holder": entry.holder_name,
                    "error": entry.error,
                    "rows": [
                        (catalogue.ITEMS[code].label, _display(code, value))
                        for code, value in entry.values.items()
                        if code in catalogue.ITEMS
                    ],
                }
            )
        audit_record(
            action="linkage.self_information_viewed",
            actor=_user(request),
            municipality_code=resident.municipality_id,
            object_type="accounts.resident",
            object_id=str(resident.pk),
            ip_address=_ip(request),
            data={"categories": wanted or list(Category.values)},
        )
    return render(
        request,
        "apply/information.html",
        {"resident": resident, "categories": Category.choices, "results": results},
    )
