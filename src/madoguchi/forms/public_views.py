"""Resident-facing rendering of a published form version at /forms/<id>/.

GET shows every page of the form; POST runs the validator and shows the errors at their
fields with nothing stored (the real multi-page application flow builds on the same renderer).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from madoguchi.forms import selectors
from madoguchi.forms.rendering import error_summary, raw_answers_from_post


@require_http_methods(["GET", "POST"])
def form_version_page(request: HttpRequest, form_version_id: str) -> HttpResponse:
    version = selectors.form_version_get(form_version_id=form_version_id)
    if version is None:
        raise Http404
    definition = version.definition
    raw: dict[str, object] = {}
    result = None
    summary = None
    checked = False
    if request.method == "POST":
        raw, changed = raw_answers_from_post(
            definition=definition, data=request.POST, files=request.FILES
        )
        if not changed:
            result = selectors.form_validate(form_version=version, answers=raw)
            summary = error_summary(definition, result.errors)
            checked = True
    return render(
        request,
        "madoguchi_forms/public/form_version.html",
        {
            "version": version,
            "definition": definition,
            "raw": raw,
            "result": result,
            "summary": summary,
            "checked": checked,
            "municipality": version.municipality,
        },
    )
