from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from madoguchi.accounts import selectors as account_selectors
from madoguchi.accounts.models import Role
from madoguchi.core.forms import MunicipalitySearchForm
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.models import Kind, Municipality
from madoguchi.reception.staff_auth import staff_required

SEARCH_LIMIT = 50


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def municipality_search(request: HttpRequest) -> HttpResponse:
    """お住まいの自治体を探す: a plain GET form, so it works without JavaScript."""
    submitted = bool(request.GET)
    form = MunicipalitySearchForm(request.GET if submitted else None)
    results: list[Municipality] = []
    total = 0
    if submitted and form.is_valid():
        queryset = municipality_selectors.municipality_find(
            q=form.cleaned_data["q"],
            postal_code=form.cleaned_data["postal_code"],
            exclude_kind=Kind.PREFECTURE,
        )
        total = queryset.count()
        results = list(queryset[:SEARCH_LIMIT])
    return render(
        request,
        "core/municipality_search.html",
        {
            "form": form,
            "submitted": submitted,
            "results": results,
            "total": total,
            "limit": SEARCH_LIMIT,
        },
    )


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated
    from madoguchi.reception.access import Ability, abilities

    return render(
        request,
        "core/staff_home.html",
        {
            "memberships": account_selectors.membership_list(user=user),
            "abilities": {ability.value for ability in abilities(user=user)},
            "can_edit_forms": bool(
                account_selectors.municipality_codes_for(
                    user=user, roles=[Role.ADMIN, Role.FORM_EDITOR]
                )
            ),
            "ability": {a.name: a.value for a in Ability},
        },
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and `make run`'s wait loop."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
