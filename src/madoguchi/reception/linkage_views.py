"""Staff 情報照会 on an application (docs/linkage.md): a case worker asks the hub, for one of the
事務 of their municipality, for the items the access list allows; audited, recorded on both
sides and shown in the resident's やりとり履歴. Nothing crosses municipalities: the requester is
always a department of the application's municipality."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from madoguchi.accounts.staff_auth import staff_required
from madoguchi.audit.services import audit_record
from madoguchi.linkage import catalogue
from madoguchi.linkage import services as linkage_services
from madoguchi.linkage.types import Category
from madoguchi.reception.access import Ability

from .views import _application, _ip


def _display(code: str, value: Any) -> str:
    if value is None:
        return _("No record")
    if code == "tax.taxable":
        return _("Taxable") if value == "yes" else _("Not taxable")
    if value in ("yes", "no"):
        return _("Yes") if value == "yes" else _("No")
    if isinstance(value, list):  # household members: one person after another
        people = [
            " ".join(_display(key, v) for key, v in person.items() if key != "sex")
            for person in value
            if isinstance(person, dict)
        ]
        return "、".join(people) or _("None recorded")
    if isinstance(value, dict):
        return "　".join(str(v) for v in value.values() if v)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@staff_required
@require_http_methods(["GET", "POST"])
def inquiry(request: HttpRequest, receipt_number: str) -> HttpResponse:
    application = _application(request, receipt_number, Ability.PROCESS)
    jimus = [j for j in catalogue.JIMU.values() if j.department != "portal"]
    default = catalogue.jimu_for_procedure(application.procedure_code)
    chosen = {
        "jimu": request.POST.get("jimu", default.code if default else ""),
        "category": request.POST.get("category", Category.TAX),
    }
    result = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        if chosen["jimu"] not in catalogue.JIMU:
            errors["jimu"] = _("Choose the administrative task.")
        if chosen["category"] not in Category.values:
            errors["category"] = _("Choose the kind of information.")
        if application.resident is None:
            errors["jimu"] = _("The applicant is not in the resident registry.")
        if not errors:
            assert application.resident is not None
            entry = linkage_services.inquiry_fetch(
                subject=application.resident.subject,
                municipality_code=application.municipality_id,
                jimu_code=chosen["jimu"],
                category=chosen["category"],
                initiated_by=f"staff:{request.user.get_username()}",
            )
            audit_record(
                action="linkage.staff_inquiry",
                actor=request.user,
                municipality_code=application.municipality_id,
                object_type="application",
                object_id=application.receipt_number or "",
                ip_address=_ip(request),
                data={
                    "jimu": chosen["jimu"],
                    "category": chosen["category"],
                    "exchange_id": entry.exchange_id,
                    "refused": bool(entry.error),
                },
            )
            result = {
                "holder": entry.holder_name,
                "error": entry.error,
                "rows": [
                    (catalogue.ITEMS[code].label, _display(code, value))
                    for code, value in entry.values.items()
                    if code in catalogue.ITEMS
                ],
            }
    return render(
        request,
        "reception/linkage_inquiry.html",
        {
            "application": application,
            "jimus": jimus,
            "categories": Category.choices,
            "chosen": chosen,
            "result": result,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
