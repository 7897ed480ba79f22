"""Staff pages of the notices app: the notices sent on behalf of a municipality with their
delivery status, the municipality's wording of each template (edit, preview, reset), and a
send to a segment of its residents with a confirmation step that shows the count.

Scope: a staff member sees and acts for the municipalities of their memberships only
(accounts.selectors.municipality_codes_for); a national administrator has none here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.accounts.selectors import municipality_codes_for
from madoguchi.accounts.staff_auth import staff_required
from madoguchi.accounts.types import Role
from madoguchi.audit.services import audit_record
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.notices import registry, rendering, selectors, services
from madoguchi.notices.forms import SegmentSendForm, WordingForm

READ_ROLES = (Role.ADMIN, Role.CASE_WORKER, Role.VIEWER)
ADMIN_ROLES = (Role.ADMIN,)


def _codes(request: HttpRequest, roles: tuple[Role, ...]) -> list[str]:
    codes = sorted(municipality_codes_for(user=request.user, roles=roles))
    if not codes:
        raise PermissionDenied
    return codes


def _chosen(request: HttpRequest, codes: list[str]) -> str:
    """The municipality a page is about: ?municipality= among the user's own, else the first.
    Another municipality's code is a 404 (its existence is not confirmed)."""
    wanted = request.POST.get("municipality") or request.GET.get("municipality") or codes[0]
    if wanted not in codes:
        raise Http404
    return wanted


def _names(codes: list[str]) -> list[tuple[str, str]]:
    result = []
    for code in codes:
        found = municipality_selectors.municipality_get(code=code)
        result.append((code, found.name if found else code))
    return result


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@staff_required
@require_GET
def index(request: HttpRequest) -> HttpResponseBase:
    codes = _codes(request, READ_ROLES)
    code = _chosen(request, codes)
    page = Paginator(
        selectors.notices_for_municipalities(municipality_codes=[code]), per_page=50
    ).get_page(request.GET.get("page"))
    audit_record(
        action="notices.staff_list_viewed",
        actor=request.user,
        municipality_code=code,
        object_type="notices.notice",
        object_id="",
        ip_address=_ip(request),
        data={"page": page.number},
    )
    return render(
        request,
        "notices/index.html",
        {
            "page": page,
            "municipality": code,
            "municipalities": _names(codes),
            "is_admin": code in municipality_codes_for(user=request.user, roles=ADMIN_ROLES),
        },
    )


@staff_required
@require_GET
def templates(request: HttpRequest) -> HttpResponseBase:
    codes = _codes(request, ADMIN_ROLES)
    code = _chosen(request, codes)
    return render(
        request,
        "notices/templates.html",
        {
            "wordings": selectors.template_wordings(municipality_id=code),
            "municipality": code,
            "municipalities": _names(codes),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, code: str) -> HttpResponseBase:
    codes = _codes(request, ADMIN_ROLES)
    municipality = _chosen(request, codes)
    try:
        wording = selectors.template_wording(municipality_id=municipality, code=code)
    except LookupError:
        raise Http404 from None
    spec = wording.spec
    preview: tuple[str, str] | None = None
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.template_override_delete(
            municipality_id=municipality, code=code, actor=request.user
        )
        messages.success(request, _("The platform's wording is used again."))
        return redirect(f"{request.path}?municipality={municipality}")
    if request.method == "POST":
        form = WordingForm(request.POST, variables=spec.variables)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            errors = services.template_override_check(code=code, subject=subject, body=body)
            for field, field_errors in errors.items():
                for error in field_errors:
                    form.add_error(field, error)
            if not errors and request.POST.get("action") == "save":
                try:
                    services.template_override_save(
                        municipality_id=municipality,
                        code=code,
                        subject=subject,
                        body=body,
                        actor=request.user,
                    )
                except ValidationError as exc:
                    for field, field_errors in exc.message_dict.items():
                        for error in field_errors:
                            form.add_error(field, error)
                else:
                    messages.success(request, _("The wording was saved."))
                    return redirect(f"{request.path}?municipality={municipality}")
            if not form.errors:
                try:
                    preview = selectors.template_preview(code=code, subject=subject, body=body)
                except rendering.TemplateSyntaxProblem:
                    preview = None
    else:
        form = WordingForm(
            initial={"subject": wording.subject, "body": wording.body}, variables=spec.variables
        )
    return render(
        request,
        "notices/template_edit.html",
        {
            "form": form,
            "wording": wording,
            "preview": preview,
            "municipality": municipality,
            "code": code,
        },
    )


def _targets(municipality: str) -> list[tuple[str, str]]:
    """Every segment, and for a segment with choices one entry per choice ("code|value"), so
    the page needs no JavaScript to refine a choice."""
    result: list[tuple[str, str]] = []
    for segment in registry.segment_list():
        if segment.choices is None:
            result.append((segment.code, str(segment.label)))
            continue
        for value, label in segment.choices(municipality):
            result.append((f"{segment.code}|{value}", f"{segment.label}：{label}"))
    return result


def _split(target: str) -> tuple[str, str]:
    segment, _sep, choice = target.partition("|")
    return segment, choice


@staff_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponseBase:
    """Step 1: the message and the segment. A valid POST shows step 2, the confirmation with
    the number of residents it will reach; only the confirmation's POST sends."""
    codes = _codes(request, ADMIN_ROLES)
    municipality = _chosen(request, codes)
    kwargs: dict[str, Any] = {
        "municipalities": _names(codes),
        "targets": _targets(municipality),
    }
    if request.method == "POST":
        form = SegmentSendForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            segment, choice = _split(data["target"])
            count = selectors.segment_count(
                municipality_id=municipality, segment=segment, choice=choice
            )
            return render(
                request,
                "notices/send_confirm.html",
                {
                    "form": form,
                    "data": data,
                    "count": count,
                    "target_label": dict(kwargs["targets"]).get(data["target"], ""),
                    "municipality": municipality,
                },
            )
    else:
        form = SegmentSendForm(
            initial={"municipality": municipality, "send_key": uuid.uuid4().hex}, **kwargs
        )
    return render(request, "notices/send.html", {"form": form, "municipality": municipality})


@staff_required
@require_POST
def send_confirmed(request: HttpRequest) -> HttpResponseBase:
    codes = _codes(request, ADMIN_ROLES)
    municipality = _chosen(request, codes)
    form = SegmentSendForm(
        request.POST, municipalities=_names(codes), targets=_targets(municipality)
    )
    if not form.is_valid():
        return render(request, "notices/send.html", {"form": form, "municipality": municipality})
    data = form.cleaned_data
    segment, choice = _split(data["target"])
    created = services.segment_send(
        municipality_id=municipality,
        segment=segment,
        choice=choice,
        subject=data["subject"],
        body=data["body"],
        link=data["link"],
        send_key=data["send_key"],
        actor=request.user,
    )
    messages.success(
        request,
        ngettext("%(count)d notice was sent.", "%(count)d notices were sent.", created)
        % {"count": created},
    )
    return redirect(f"{reverse('notices:index')}?municipality={municipality}")
