from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from madoguchi.municipalities import selectors
from madoguchi.municipalities.forms import MunicipalitySearchForm
from madoguchi.municipalities.models import Municipality
from madoguchi.municipalities.types import Kind

SEARCH_LIMIT = 50


@require_GET
def municipality_search(request: HttpRequest) -> HttpResponse:
    """お住まいの自治体を探す: a plain GET form, so it works without JavaScript."""
    submitted = bool(request.GET)
    form = MunicipalitySearchForm(request.GET if submitted else None)
    results: list[Municipality] = []
    total = 0
    if submitted and form.is_valid():
        queryset = selectors.municipality_find(
            q=form.cleaned_data["q"],
            postal_code=form.cleaned_data["postal_code"],
            exclude_kind=Kind.PREFECTURE,
        )
        total = queryset.count()
        results = list(queryset[:SEARCH_LIMIT])
    return render(
        request,
        "municipalities/search.html",
        {
            "form": form,
            "submitted": submitted,
            "results": results,
            "total": total,
            "limit": SEARCH_LIMIT,
        },
    )
