"""Staff pages of the figures: the municipality dashboard, counter counts, and adoption across
municipalities (national administrator, prefecture staff). Read from the aggregates only."""

from __future__ import annotations

import hashlib
from typing import cast

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.accounts.staff_auth import staff_required
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.kpis import access, counter_csv, figures, selectors, services
from madoguchi.kpis.counter_csv import CounterRow
from madoguchi.kpis.csvio import csv_response
from madoguchi.kpis.forms import CounterCountForm, CounterUploadForm
from madoguchi.municipalities import selectors as municipality_selectors

PENDING = "kpis_counter_pending"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _name(code: str) -> str:
    municipality = municipality_selectors.municipality_get(code=code)
    return municipality.full_name if municipality is not None else code


def _choices(codes: set[str]) -> list[tuple[str, str]]:
    names = {
        m.code: m.full_name
        for m in municipality_selectors.municipality_list().filter(code__in=codes)
    }
    return [(code, names.get(code, code)) for code in sorted(codes)]


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    codes = access.dashboard_codes(request.user)
    if not codes and _can_see_adoption(request):
        return redirect("kpis:adoption")  # the national administrator has no municipality
    code = access.chosen(request, codes)
    tables = figures.municipality_tables(municipality_code=code)
    return render(
        request,
        "kpis/dashboard.html",
        {
            "code": code,
            "name": _name(code),
            "choices": _choices(codes) if len(codes) > 1 else [],
            "tables": list(tables.values()),
            "can_enter_counts": code in access.counter_codes(request.user),
            "can_see_adoption": _can_see_adoption(request),
        },
    )


@staff_required
@require_GET
def dashboard_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    code = access.chosen(request, access.dashboard_codes(request.user))
    table = figures.municipality_tables(municipality_code=code).get(slug)
    if table is None:
        raise Http404
    return csv_response([table.columns, *table.data], filename=f"{code}-{slug}.csv")


def _can_see_adoption(request: HttpRequest) -> bool:
    try:
        access.adoption_scope(request.user)
    except PermissionDenied:
        return False
    return True


def _adoption_prefecture(request: HttpRequest) -> tuple[str | None, list[str] | None]:
    scope = access.adoption_scope(request.user)
    wanted = request.GET.get("prefecture") or None
    if scope is None:
        if wanted and wanted not in {code for code, _ in selectors.prefecture_list()}:
            raise Http404
        return wanted, None
    if wanted is None:
        return scope[0], scope
    if wanted not in scope:
        raise Http404
    return wanted, scope


@staff_required
@require_GET
def adoption(request: HttpRequest) -> HttpResponse:
    prefecture, scope = _adoption_prefecture(request)
    tables = figures.adoption_tables(prefecture_code=prefecture)
    prefectures = selectors.prefecture_list()
    return render(
        request,
        "kpis/adoption.html",
        {
            "prefecture": prefecture,
            "prefecture_name": _name(prefecture) if prefecture else "",
            "choices": [(c, n) for c, n in prefectures if scope is None or c in scope],
            "national": scope is None,
            "tables": list(tables.values()),
        },
    )


@staff_required
@require_GET
def adoption_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    prefecture, _scope = _adoption_prefecture(request)
    table = figures.adoption_tables(prefecture_code=prefecture).get(slug)
    if table is None:
        raise Http404
    return csv_response(
        [table.columns, *table.data], filename=f"adoption-{prefecture or 'japan'}-{slug}.csv"
    )


# --- Counter counts ----------------------------------------------------------------------------


def _procedures() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in catalog_selectors.procedure_list()]


def _counter_context(request: HttpRequest, code: str, codes: set[str]) -> dict[str, object]:
    months = selectors.months_back(figures.MONTHS)
    counts = selectors.counter_counts(municipality_code=code, months=months)
    names = dict(_procedures())
    return {
        "code": code,
        "name": _name(code),
        "choices": _choices(codes) if len(codes) > 1 else [],
        "entered": [
            (names.get(p, p), f"{m:%Y-%m}", n)
            for (p, m), n in sorted(counts.items(), key=lambda i: (i[0][1], i[0][0]))
        ],
        "columns": counter_csv.COLUMNS,
    }


@staff_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    codes = access.counter_codes(request.user)
    code = access.chosen(request, codes)
    form = CounterCountForm(request.POST or None, procedures=_procedures())
    if request.method == "POST" and form.is_valid():
        services.counter_count_set(
            municipality_code=code,
            procedure_code=form.cleaned_data["procedure_code"],
            month=form.cleaned_data["month"],
            count=form.cleaned_data["count"],
            actor=cast(AbstractBaseUser, request.user),
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        messages.success(request, _("The counter count was saved."))
        return redirect(f"{reverse('kpis:counter')}?municipality={code}")
    context = _counter_context(request, code, codes)
    context.update({"form": form, "upload_form": CounterUploadForm()})
    return render(request, "kpis/counter.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def counter_upload(request: HttpRequest) -> HttpResponse:
    """Check an uploaded CSV. Without errors it is stored at once; with errors nothing is
    stored, the errors are listed by row and column, and the valid rows may be stored only
    after the user confirms it (the file's checked rows are kept in the session meanwhile)."""
    codes = access.counter_codes(request.user)
    code = access.chosen(request, codes)
    upload_form = CounterUploadForm(request.POST, request.FILES)
    context = _counter_context(request, code, codes)
    context["form"] = CounterCountForm(procedures=_procedures())
    context["upload_form"] = upload_form
    if not upload_form.is_valid():
        return render(request, "kpis/counter.html", context, status=400)
    upload = upload_form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        upload_form.add_error("file", _("The file is larger than 5 MB: split it."))
        return render(request, "kpis/counter.html", context, status=400)
    data = upload.read()
    parsed = counter_csv.parse(
        data, municipality_codes=codes, procedure_codes={c for c, _ in _procedures()}
    )
    if not parsed.errors and parsed.rows:
        stored = services.counter_counts_store(
            rows=parsed.rows,
            actor=cast(AbstractBaseUser, request.user),
            source=f"csv:{upload.name}",
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        messages.success(request, stored_message(stored))
        return redirect(f"{reverse('kpis:counter')}?municipality={code}")
    if not parsed.rows and not parsed.errors:
        upload_form.add_error("file", _("The file has no rows."))
        return render(request, "kpis/counter.html", context, status=400)
    token = hashlib.sha256(data).hexdigest()
    request.session[PENDING] = {
        "token": token,
        "name": upload.name,
        "rows": [
            [r.municipality_code, r.procedure_code, f"{r.month:%Y-%m}", r.count]
            for r in parsed.rows
        ],
    }
    context.update(
        {
            "errors": parsed.errors,
            "valid_rows": len(parsed.rows),
            "token": token,
            "filename": upload.name,
        }
    )
    return render(request, "kpis/counter_check.html", context, status=400)


@staff_required
@require_POST
def counter_confirm(request: HttpRequest) -> HttpResponse:
    """Store the valid rows of the file checked last, once the user confirmed it."""
    codes = access.counter_codes(request.user)
    code = access.chosen(request, codes)
    pending = request.session.get(PENDING)
    if not pending or request.POST.get("token") != pending.get("token"):
        messages.error(request, _("Upload the file again: the checked file is no longer known."))
        return redirect(f"{reverse('kpis:counter')}?municipality={code}")
    rows = []
    for municipality_code, procedure_code, month, count in pending["rows"]:
        if municipality_code not in codes:  # memberships changed meanwhile
            raise Http404
        parsed_month = counter_csv.parse_month(month)
        assert parsed_month is not None
        rows.append(CounterRow(municipality_code, procedure_code, parsed_month, int(count)))
    stored = services.counter_counts_store(
        rows=rows,
        actor=cast(AbstractBaseUser, request.user),
        source=f"csv:{pending['name']} (valid rows only)",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    del request.session[PENDING]
    messages.success(request, stored_message(stored))
    return redirect(f"{reverse('kpis:counter')}?municipality={code}")


def stored_message(stored: int) -> str:
    return ngettext("%(n)s row was stored.", "%(n)s rows were stored.", stored) % {"n": stored}
