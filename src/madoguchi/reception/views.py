"""The staff console at /staff/reception/: inbox, application page, workflow, comments,
assignment, bulk changes, exports, audit search, webhook deliveries.

Every view starts from access.codes_or_403 (the user's municipalities for what the view does)
and reads applications only through selectors scoped by them: another municipality's receipt
number is a 404, a page the user's roles do not allow is a 403. Every view of personal data
writes an audit event.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from madoguchi.accounts import selectors as account_selectors
from madoguchi.accounts.staff_auth import staff_required
from madoguchi.accounts.types import Role
from madoguchi.applications import retention
from madoguchi.applications.parties import Parties
from madoguchi.applications.types import ScanStatus
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.linkage import selectors as linkage_selectors
from madoguchi.publicfunds import services as funds_services
from madoguchi.reception import access, exports, selectors, services
from madoguchi.reception.access import Ability
from madoguchi.reception.answers import answer_sections, public_funds_used
from madoguchi.reception.forms import (
    AssignForm,
    AuditSearchForm,
    BulkStatusForm,
    CommentForm,
    InboxFilterForm,
    LegalHoldForm,
    StatusChangeForm,
)
from madoguchi.reception.models import DeliveryStatus
from madoguchi.signatures.outcomes import Outcome, outcome_message

if TYPE_CHECKING:
    from madoguchi.accounts.models import User
    from madoguchi.applications.models import Application

AUDIT_PAGE = 50


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    """職員のトップ: what this user may do, in every organisation they belong to."""
    user = _user(request)
    return render(
        request,
        "reception/staff_home.html",
        {
            "memberships": account_selectors.membership_list(user=user),
            "abilities": {ability.value for ability in access.abilities(user=user)},
            "can_edit_forms": bool(
                account_selectors.municipality_codes_for(
                    user=user, roles=[Role.ADMIN, Role.FORM_EDITOR]
                )
            ),
            "ability": {a.name: a.value for a in Ability},
        },
    )


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _procedure_choices(codes: set[str]) -> list[tuple[str, str]]:
    choices = []
    for code in selectors.procedures_in(municipality_codes=codes):
        procedure = catalog_selectors.procedure_get(code=code)
        choices.append((code, procedure.name if procedure is not None else code))
    return choices


def _audit_list(request: HttpRequest, action: str, applications: list[Application]) -> None:
    """One event per municipality shown, naming the applications on the page."""
    by_municipality: dict[str, list[str]] = defaultdict(list)
    for application in applications:
        by_municipality[application.municipality_id].append(application.receipt_number or "")
    for code, numbers in by_municipality.items():
        services.audit_view(
            action=action,
            actor=request.user,
            municipality_code=code,
            data={"receipt_numbers": numbers, "query": request.GET.urlencode()[:500]},
            ip_address=_ip(request),
        )


def _scope(request: HttpRequest, ability: Ability) -> set[str]:
    """The user's municipalities for `ability`, narrowed by ?municipality=<code>; a code that is
    not theirs is a 404 (the page for another municipality does not exist for them)."""
    codes = access.codes_or_403(user=request.user, ability=ability)
    wanted = request.GET.get("municipality")
    if wanted:
        if wanted not in codes:
            raise Http404
        return {wanted}
    return codes


def _application(request: HttpRequest, receipt_number: str, ability: Ability) -> Application:
    codes = access.codes_or_403(user=request.user, ability=ability)
    application = selectors.application_get(municipality_codes=codes, receipt_number=receipt_number)
    if application is None:
        raise Http404
    return application


def _detail_url(application: Application) -> str:
    return reverse("reception:detail", args=[application.receipt_number])


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    codes = _scope(request, Ability.READ)
    services.case_files_sync(municipality_codes=codes)
    procedures = _procedure_choices(codes)
    form = InboxFilterForm(request.GET or None, procedures=procedures)
    filters = form.to_filter(user_id=_user(request).pk)
    queryset = selectors.inbox(municipality_codes=codes, filters=filters)
    paginator = Paginator(queryset, per_page=services_page_size())
    page = paginator.get_page(request.GET.get("page"))
    applications = list(page.object_list)
    names = dict(procedures)
    rows = [(a, names.get(a.procedure_code, a.procedure_code)) for a in applications]
    _audit_list(request, "reception.inbox_viewed", applications)
    query = request.GET.copy()
    query.pop("page", None)
    can_process = bool(access.codes(user=request.user, ability=Ability.PROCESS))
    return render(
        request,
        "reception/inbox.html",
        {
            "form": form,
            "page": page,
            "applications": applications,
            "rows": rows,
            "query": query.urlencode(),
            "can_process": can_process,
            "can_export": bool(access.codes(user=request.user, ability=Ability.EXPORT)),
            "bulk_form": BulkStatusForm(prefix="bulk") if can_process else None,
        },
    )


def services_page_size() -> int:
    from madoguchi.reception.conf import inbox_page_size

    return inbox_page_size()


def _evidence(application: Application) -> dict[str, Any] | None:
    evidence = application.signature_evidence
    if evidence is None:
        return None
    return {
        "outcome": evidence.outcome,
        "message": outcome_message(Outcome(evidence.outcome)),
        "verified_at": evidence.verified_at,
        "issuer": evidence.issuer,
        "serial": evidence.serial,
        "subject": evidence.subject,
        "crl_number": evidence.crl_number,
        "holder_name": evidence.holder_name,
        "payload_sha256": evidence.payload_sha256,
    }


def _detail_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    can_process = application.municipality_id in access.codes(
        user=request.user, ability=Ability.PROCESS
    )
    case = services.case_file_for(application=application)
    staff = access.staff_for(municipality_code=application.municipality_id)
    return {
        "application": application,
        "case": case,
        "sections": answer_sections(application),
        "linkage_sources": linkage_selectors.answer_sources_for(
            application_id=application.public_id
        ),
        "attachments": list(application.attachments.order_by("item_path")),
        "evidence": _evidence(application),
        "parties": Parties.from_json(application.parties),
        "history": list(application.history.all()),
        "comments": list(selectors.comments_for(application=application)),
        "can_process": can_process,
        "status_form": StatusChangeForm(prefix="status"),
        "comment_form": CommentForm(prefix="comment"),
        "assign_form": AssignForm(
            prefix="assign",
            staff=[(str(u.pk), str(u)) for u in staff],
            initial={"assignee": str(case.assignee_id or "")},
        ),
        "retention": retention.retention_state(application=application),
        "hold_form": LegalHoldForm(prefix="hold"),
    }


@staff_required
@require_GET
def detail(request: HttpRequest, receipt_number: str) -> HttpResponse:
    application = _application(request, receipt_number, Ability.READ)
    services.audit_view(
        action="reception.application_viewed",
        actor=request.user,
        municipality_code=application.municipality_id,
        receipt_number=application.receipt_number or "",
        ip_address=_ip(request),
    )
    _public_funds_view_audit(request, application)
    return render(request, "reception/detail.html", _detail_context(request, application))


def _public_funds_view_audit(request: HttpRequest, application: Application) -> None:
    """Staff see a resident's 公金受取口座 only through an application whose answer uses it
    (ADR 0021): each time the page shows one, publicfunds.account_viewed says so."""
    if application.resident_id is None or not public_funds_used(application):
        return
    funds_services.account_viewed(
        resident_id=application.resident_id,
        municipality_code=application.municipality_id,
        user=request.user,
        view="application",
        ip_address=_ip(request),
        data={"application": application.receipt_number or str(application.public_id)},
    )


def _rerender(request: HttpRequest, application: Application, **forms: Any) -> HttpResponse:
    _public_funds_view_audit(request, application)
    context = _detail_context(request, application)
    context.update(forms)
    return render(request, "reception/detail.html", context, status=400)


@staff_required
@require_POST
def status_change(request: HttpRequest, receipt_number: str) -> HttpResponse:
    application = _application(request, receipt_number, Ability.PROCESS)
    form = StatusChangeForm(request.POST, prefix="status")
    if not form.is_valid():
        return _rerender(request, application, status_form=form)
    try:
        changed = services.case_status_change(
            application=application,
            to_status=form.cleaned_data["to_status"],
            actor=request.user,
            message=form.cleaned_data["message"],
        )
    except services.ReceptionError as error:
        form.add_error("to_status", error.message)
        return _rerender(request, application, status_form=form)
    messages.success(
        request,
        _("The status is now “%(status)s”. The applicant is told by e-mail and on their page.")
        % {"status": changed.get_status_display()},
    )
    return redirect(_detail_url(application))


@staff_required
@require_POST
def comment_add(request: HttpRequest, receipt_number: str) -> HttpResponse:
    application = _application(request, receipt_number, Ability.PROCESS)
    form = CommentForm(request.POST, prefix="comment")
    if not form.is_valid():
        return _rerender(request, application, comment_form=form)
    services.case_comment_add(
        application=application, body=form.cleaned_data["body"], actor=_user(request)
    )
    messages.success(request, _("Your comment was added."))
    return redirect(_detail_url(application) + "#comments")


@staff_required
@require_POST
def legal_hold(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """Set (with a reason) or release the legal hold that keeps an application past its
    retention period (docs/retention.md). Audited by the service."""
    application = _application(request, receipt_number, Ability.PROCESS)
    if request.POST.get("hold-action") == "release":
        try:
            retention.legal_hold_release(application=application, actor=request.user)
        except retention.RetentionError as error:
            messages.error(request, error.message)
            return redirect(_detail_url(application) + "#retention")
        messages.success(request, _("The legal hold was released."))
        return redirect(_detail_url(application) + "#retention")
    form = LegalHoldForm(request.POST, prefix="hold")
    if not form.is_valid():
        return _rerender(request, application, hold_form=form)
    try:
        retention.legal_hold_set(
            application=application, reason=form.cleaned_data["reason"], actor=request.user
        )
    except retention.RetentionError as error:
        form.add_error("reason", error.message)
        return _rerender(request, application, hold_form=form)
    messages.success(
        request, _("The application is on legal hold: it is kept until the hold is released.")
    )
    return redirect(_detail_url(application) + "#retention")


@staff_required
@require_POST
def assign(request: HttpRequest, receipt_number: str) -> HttpResponse:
    application = _application(request, receipt_number, Ability.PROCESS)
    staff = {str(u.pk): u for u in access.staff_for(municipality_code=application.municipality_id)}
    form = AssignForm(request.POST, prefix="assign", staff=[(k, str(u)) for k, u in staff.items()])
    if not form.is_valid():
        return _rerender(request, application, assign_form=form)
    assignee = staff.get(form.cleaned_data["assignee"] or "")
    services.case_assign(application=application, assignee=assignee, actor=request.user)
    messages.success(request, _("The assignee was changed."))
    return redirect(_detail_url(application))


@staff_required
@require_GET
def attachment_download(
    request: HttpRequest, receipt_number: str, attachment_id: int
) -> FileResponse:
    application = _application(request, receipt_number, Ability.READ)
    attachment = application.attachments.filter(pk=attachment_id).first()
    if attachment is None or attachment.scan_status != ScanStatus.CLEAN:
        raise Http404  # quarantined files are not handed out (docs/scanning.md)
    services.audit_view(
        action="reception.attachment_downloaded",
        actor=request.user,
        municipality_code=application.municipality_id,
        receipt_number=application.receipt_number or "",
        data={"attachment": attachment.item_path, "sha256": attachment.sha256},
        ip_address=_ip(request),
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    # Uploaded content never runs in our origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@staff_required
@require_POST
def bulk_status(request: HttpRequest) -> HttpResponse:
    codes = access.codes_or_403(user=request.user, ability=Ability.PROCESS)
    form = BulkStatusForm(request.POST, prefix="bulk")
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
        return redirect(_safe_back(request))
    scoped = selectors.inbox(municipality_codes=codes, filters=selectors.InboxFilter())
    wanted = set(form.cleaned_data["receipts"])
    if len(wanted) != scoped.filter(receipt_number__in=wanted).count():
        raise Http404  # a receipt outside the user's municipalities: refuse the whole request
    result = services.case_status_change_bulk(
        municipality_codes=codes,
        receipt_numbers=form.cleaned_data["receipts"],
        to_status=form.cleaned_data["to_status"],
        actor=request.user,
        message=form.cleaned_data["message"],
    )
    return render(request, "reception/bulk_result.html", {"result": result})


def _safe_back(request: HttpRequest) -> str:
    back = request.POST.get("back", "")
    return back if back.startswith("/staff/reception/") else reverse("reception:inbox")


@staff_required
@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    codes = _scope(request, Ability.EXPORT)
    form = InboxFilterForm(request.GET or None, procedures=_procedure_choices(codes))
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    return render(
        request,
        "reception/export.html",
        {"form": form, "formats": exports.FORMATS.values(), "query": query.urlencode()},
    )


@staff_required
@require_GET
def export_download(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    codes = _scope(request, Ability.EXPORT)
    export_format = exports.FORMATS.get(fmt)
    if export_format is None:
        raise Http404
    services.case_files_sync(municipality_codes=codes)
    form = InboxFilterForm(request.GET or None, procedures=_procedure_choices(codes))
    filters = form.to_filter(user_id=_user(request).pk)
    queryset = selectors.inbox(municipality_codes=codes, filters=filters)
    prepared = exports.export_prepare(queryset=queryset)
    for code in sorted(codes):
        services.audit_view(
            action="reception.exported",
            actor=request.user,
            municipality_code=code,
            data={"format": fmt, "query": _filter_query(request.GET)[:500]},
            ip_address=_ip(request),
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        export_format.render(prepared), content_type=export_format.content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="applications-{stamp}.{export_format.extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _filter_query(query: QueryDict) -> str:
    copy = query.copy()
    copy.pop("page", None)
    return copy.urlencode()


@staff_required
@require_GET
def export_report(request: HttpRequest) -> HttpResponse:
    """The characters the cp932 export cannot represent, before downloading it."""
    codes = _scope(request, Ability.EXPORT)
    form = InboxFilterForm(request.GET or None, procedures=_procedure_choices(codes))
    queryset = selectors.inbox(
        municipality_codes=codes, filters=form.to_filter(user_id=_user(request).pk)
    )
    prepared = exports.export_prepare(queryset=queryset)
    limit = 1000
    found: list[exports.Unrepresentable] = []
    total = 0
    for item in exports.unrepresentable_report(prepared):
        total += 1
        if len(found) < limit:
            found.append(item)
    for code in sorted(codes):
        services.audit_view(
            action="reception.export_checked",
            actor=request.user,
            municipality_code=code,
            data={"query": _filter_query(request.GET)[:500], "unrepresentable": total},
            ip_address=_ip(request),
        )
    return render(
        request,
        "reception/export_report.html",
        {"found": found, "total": total, "limit": limit, "query": _filter_query(request.GET)},
    )


@staff_required
@require_GET
def audit_search(request: HttpRequest) -> HttpResponse:
    codes = _scope(request, Ability.AUDIT)
    form = AuditSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = selectors.audit_search(
        municipality_codes=codes,
        action=data.get("action") or "",
        actor=data.get("actor") or "",
        object_id=data.get("object_id") or "",
        occurred_from=data.get("occurred_from"),
        occurred_to=data.get("occurred_to"),
    )
    page = Paginator(queryset, per_page=AUDIT_PAGE).get_page(request.GET.get("page"))
    for code in sorted(codes):
        services.audit_view(
            action="reception.audit_searched",
            actor=request.user,
            municipality_code=code,
            data={"query": _filter_query(request.GET)[:500]},
            ip_address=_ip(request),
        )
    return render(
        request,
        "reception/audit.html",
        {"form": form, "page": page, "query": _filter_query(request.GET)},
    )


@staff_required
@require_GET
def webhooks(request: HttpRequest) -> HttpResponse:
    codes = _scope(request, Ability.ADMINISTER)
    deliveries = selectors.webhook_deliveries(municipality_codes=codes)
    page = Paginator(deliveries, per_page=50).get_page(request.GET.get("page"))
    return render(
        request,
        "reception/webhooks.html",
        {
            "endpoints": selectors.webhook_endpoints(municipality_codes=codes),
            "page": page,
            "failed": DeliveryStatus.FAILED,
        },
    )


@staff_required
@require_POST
def webhook_resend(request: HttpRequest, delivery_id: int) -> HttpResponse:
    from madoguchi.reception import webhooks as webhook_services

    codes = access.codes_or_403(user=request.user, ability=Ability.ADMINISTER)
    delivery = selectors.webhook_deliveries(municipality_codes=codes).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404
    webhook_services.delivery_resend(delivery=delivery, actor=request.user)
    messages.success(request, _("The notification will be sent again."))
    return redirect("reception:webhooks")
