from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from madoguchi.catalog import selectors
from madoguchi.catalog.forms import MunicipalityByPostalCodeForm, ProcedureSearchForm
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.codes import is_valid


@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    """手続を探す: a GET form (bookmarkable, works without JavaScript)."""
    submitted = bool(request.GET)
    form = ProcedureSearchForm(request.GET if submitted else None)
    hits: list[selectors.ProcedureHit] = []
    municipality = None
    if submitted and form.is_valid():
        code = form.municipality_code()
        municipality = municipality_selectors.municipality_get(code=code) if code else None
        hits = selectors.procedure_search(
            q=form.cleaned_data["q"],
            municipality_code=code,
            life_event=form.cleaned_data["life_event"] or None,
            online=True if form.cleaned_data["online"] else None,
        )
    elif not submitted:
        hits = selectors.procedure_search()
    return render(
        request,
        "catalog/procedure_search.html",
        {"form": form, "submitted": submitted, "hits": hits, "municipality": municipality},
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure; with ?municipality= (or a postal code), how that municipality offers it."""
    procedure = selectors.procedure_get(code=code)
    if procedure is None:
        raise Http404(_("No such procedure."))
    form = MunicipalityByPostalCodeForm(request.GET if "postal_code" in request.GET else None)
    municipality_code = request.GET.get("municipality", "")
    if form.is_bound and form.is_valid():
        municipality_code = form.municipality_code()
    municipality = None
    if is_valid(municipality_code):
        municipality = municipality_selectors.municipality_get(code=municipality_code)
    offering = None
    if municipality is not None:
        offering = selectors.offering_for(procedure=procedure, municipality=municipality)
    return render(
        request,
        "catalog/procedure_detail.html",
        {
            "procedure": procedure,
            "municipality": municipality,
            "offering": offering,
            "apply_url": selectors.offering_apply_url(offering=offering),
            "form": form,
        },
    )
