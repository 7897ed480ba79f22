"""Resident pages of the online application: start, the form's pages, check, sign, receipt,
PDF copy, and mypage. Every page works without JavaScript; every POST answers with a redirect
(post/redirect/get) unless it shows errors, so a reload or the back button repeats nothing."""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.applications import arrivals
from madoguchi.applications import selectors as application_selectors
from madoguchi.applications import services as application_services
from madoguchi.applications.parties import parties_from_answers
from madoguchi.applications.types import ArrivalState, Channel, Status
from madoguchi.forms import selectors as form_selectors
from madoguchi.forms.rendering import error_summary
from madoguchi.forms.translations import definition_localise as _localised
from madoguchi.notices import selectors as notice_selectors
from madoguchi.signatures import services as signature_services
from madoguchi.signatures import signers
from madoguchi.signin.decorators import resident_login_required
from madoguchi.signin.selectors import resident_claims, resident_for

from . import flow, linkage, pdf, public_funds, selectors, services
from .forms import PinForm

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User
    from madoguchi.applications.models import Application

EDITABLE = application_services.EDITABLE


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here runs behind resident_login_required)."""
    user = request.user
    assert user.is_authenticated
    return user


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _not_registered(request: HttpRequest) -> HttpResponse:
    return render(request, "apply/not_registered.html", status=403)


def with_resident(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A resident signed in through OpenID Connect and known to the registry."""

    @resident_login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        resident = resident_for(_user(request))
        if resident is None:
            return _not_registered(request)
        return view(request, resident, *args, **kwargs)

    return wrapper


def with_application(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """…and one of their own applications: anyone else's is a 404, not a 403, so that public
    ids cannot be probed."""

    @with_resident
    @wraps(view)
    def wrapper(
        request: HttpRequest, resident: Resident, public_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponse:
        application = selectors.resident_application(resident=resident, public_id=public_id)
        if application is None:
            raise Http404(_("No such application."))
        return view(request, resident, application, **kwargs)

    return wrapper


def _after_submission(application: Application) -> HttpResponse:
    return redirect("apply:receipt", application.public_id)


def _settled(application: Application) -> HttpResponse | None:
    """Where to go instead of an editing page: the receipt of a received application, the
    到達 page of one signed and still waiting to be examined (nothing may change meanwhile)."""
    if application.status not in EDITABLE:
        return _after_submission(application)
    if arrivals.arrival_pending_for_draft(draft=application) is not None:
        return redirect("apply:arrival", application.public_id)
    return None


def _first_page(application: Application) -> str:
    definition = _localised(application.form_version.definition)
    last = application.last_page
    if last and flow.page_get(definition, last) is not None:
        return last
    return str(definition["pages"][0]["id"])


def _context(application: Application, current: str, **extra: Any) -> dict[str, Any]:
    definition = _localised(application.form_version.definition)
    steps = flow.steps(definition)
    step = next((s for s in steps if s.key == current), steps[0])
    return {
        "application": application,
        "definition": definition,
        "municipality": application.form_version.municipality,
        "steps": steps,
        "step": step,
        "step_count": len(steps),
        # Whose application it is, on every page (apply/_whose.html; docs/proxies.md).
        "whose": parties_from_answers(application.raw_answers),
        "assisted": application.channel == Channel.COUNTER,
        **extra,
    }


# --- start --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@with_resident
def start(request: HttpRequest, resident: Resident, form_version_id: uuid.UUID) -> HttpResponse:
    version = form_selectors.form_version_get(form_version_id=form_version_id)
    if version is None:
        raise Http404(_("No such form."))
    # One application per resident or household: say so before anything is filled in, rather
    # than refusing the signed application at the end.
    existing = selectors.application_blocking(resident=resident, form_version=version)
    if request.method == "POST" and existing is not None:
        return redirect("apply:start", version.pk)
    if request.method == "POST":
        draft, created = services.apply_draft_start(
            form_version=version,
            resident=resident,
            user=_user(request),
            claims=resident_claims(request),
        )
        if not created:
            messages.info(request, _("You already started this application. Carry on here."))
        elif linkage.plan_for(draft) is not None:
            # The form names linkage sources: offer 「住民基本台帳などから取得する」 first.
            return redirect("apply:prefill", draft.public_id)
        return redirect("apply:page", draft.public_id, _first_page(draft))
    newest = form_selectors.published_form_version_for(
        municipality_code=version.municipality_id, procedure_code=version.procedure_code
    )
    if newest is not None and newest.pk != version.pk:
        # A newer version was published since the link was made: start on that one.
        return redirect("apply:start", newest.pk)
    context = selectors.procedure_context(form_version=version)
    return render(
        request,
        "apply/start.html",
        {
            "version": version,
            "definition": _localised(version.definition),
            "municipality": version.municipality,
            "procedure": context.procedure,
            "procedure_name": context.name or _localised(version.definition)["title"],
            "offering": context.offering,
            "draft": selectors.resident_draft_for(resident=resident, form_version=version),
            "existing": existing,
            "existing_is_own": existing is not None and existing.resident_id == resident.pk,
        },
    )


@require_GET
@with_application
def resume(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if application.status in EDITABLE:
        return redirect("apply:page", application.public_id, _first_page(application))
    return redirect("apply:status", application.public_id)


# --- the form's pages ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@with_application
def page(
    request: HttpRequest, resident: Resident, application: Application, page_id: str
) -> HttpResponse:
    if (settled := _settled(application)) is not None:
        return settled
    definition = _localised(application.form_version.definition)
    current = flow.page_get(definition, page_id)
    if current is None:
        raise Http404(_("No such page."))
    returning = (request.POST if request.method == "POST" else request.GET).get("return") == "check"
    result = None
    if request.method == "POST":
        action = request.POST.get("_action", "next")
        try:
            saved = services.apply_page_save(
                application=application, page=current, data=request.POST, files=request.FILES
            )
        except application_services.NotEditable:
            return _after_submission(application)
        here = reverse("apply:page", args=[application.public_id, page_id])
        if saved.entries_changed and not saved.upload_errors:
            return HttpResponseRedirect(here + ("?return=check" if returning else ""))
        if saved.upload_errors:
            result = saved.result
        elif action == "later":
            messages.success(
                request,
                _("Your answers are saved. Carry on from this page whenever you like."),
            )
            return redirect("apply:mypage")
        elif action == "back":
            previous = flow.page_before(definition, page_id)
            if previous is None:
                return redirect("apply:start", application.form_version_id)
            return redirect("apply:page", application.public_id, previous)
        elif saved.is_valid:
            following = flow.page_after(definition, page_id)
            if returning or following is None:
                return redirect("apply:check", application.public_id)
            return redirect("apply:page", application.public_id, following)
        else:
            result = saved.result
    elif returning:
        result = form_selectors.form_validate(
            form_version=application.form_version,
            answers=application.raw_answers,
            page_ids=[page_id],
        )
    everything = form_selectors.form_validate(
        form_version=application.form_version, answers=application.raw_answers
    )
    summary = error_summary(definition, result.errors) if result is not None else None
    offers = public_funds.offers_for(application, current)
    if any(offer.account_text for offer in offers.values()):
        public_funds.account_view_audit(
            application=application, user=_user(request), view="apply-page", ip_address=_ip(request)
        )
    return render(
        request,
        "apply/page.html",
        _context(
            application,
            page_id,
            page=current,
            raw=application.raw_answers,
            result=result,
            answers=everything.answers,
            summary=summary,
            returning=returning,
            has_group=any(item["type"] == "group" for item in current["items"]),
            sources=linkage.sources_for(application),
            offers=offers,
            prefill_offer=linkage.plan_for(application) is not None,
            is_first=flow.page_before(definition, page_id) is None,
        ),
        status=200,
    )


# --- check, sign, submit ------------------------------------------------------------------------


@require_GET
@with_application
def check(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if (settled := _settled(application)) is not None:
        return settled
    definition = _localised(application.form_version.definition)
    result = application_selectors.application_answers_check(application=application)
    result.errors += public_funds.stale_errors(
        application=application, definition=definition, answers=result.answers
    )
    entries = []
    for error in result.errors:
        page_id = flow.page_of_item(definition, error.item) or definition["pages"][0]["id"]
        entries.append(
            {
                "url": reverse("apply:page", args=[application.public_id, page_id])
                + "?return=check",
                "message": error.message,
            }
        )
    services.apply_view_audit(
        application=application,
        actor=_user(request),
        view="check",
        ip_address=_ip(request),
    )
    if public_funds.uses_account(definition, result.answers):
        public_funds.account_view_audit(
            application=application,
            user=_user(request),
            view="apply-check",
            ip_address=_ip(request),
        )
    return render(
        request,
        "apply/check.html",
        _context(
            application,
            flow.CHECK_STEP,
            pages=flow.answer_rows(definition, result.answers, result.errors),
            error_entries=entries,
            is_valid=result.is_valid,
            attachments=list(application.attachments.order_by("item_path")),
            signature_required=application_services.signature_required(application=application),
        ),
    )


@require_http_methods(["GET", "POST"])
@with_application
def sign(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if (settled := _settled(application)) is not None:
        return settled
    if not application_services.signature_required(application=application):
        return redirect("apply:check", application.public_id)
    remaining = signature_services.pin_remaining_tries(resident=resident)
    if remaining == 0:
        return redirect("apply:locked", application.public_id)
    form = PinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            arrived = services.apply_sign_and_arrive(
                application=application,
                resident=resident,
                user=_user(request),
                pin=form.cleaned_data["pin"],
            )
        except signers.PinLocked:
            return redirect("apply:locked", application.public_id)
        except (signers.PinIncorrect, signers.PinFormatError, signers.NoCard) as error:
            form.add_error("pin", error.message)
        except application_services.InvalidAnswers:
            messages.error(request, _("Some answers need correcting before you sign."))
            return redirect("apply:check", application.public_id)
        except application_services.NotEditable:
            return _after_submission(application)
        except application_services.AttachmentInfected as infected:
            messages.error(request, infected.message)  # the check page marks the file
            return redirect("apply:check", application.public_id)
        except application_services.ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if arrived is None:
                return _after_submission(application)
            return redirect("apply:arrival", application.public_id)
        remaining = signature_services.pin_remaining_tries(resident=resident)
    return render(
        request,
        "apply/sign.html",
        _context(application, flow.SIGN_STEP, form=form, remaining=remaining),
    )


@require_POST
@with_application
def submit(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    """Submit a procedure that needs no signature (the check page's button)."""
    if (settled := _settled(application)) is not None:
        return settled
    try:
        arrived = services.apply_submit_unsigned(application=application, user=_user(request))
    except application_services.SignatureMissing:
        return redirect("apply:sign", application.public_id)
    except application_services.InvalidAnswers:
        messages.error(request, _("Some answers need correcting before you send."))
        return redirect("apply:check", application.public_id)
    except application_services.AttachmentInfected as infected:
        messages.error(request, infected.message)  # the check page marks the file
        return redirect("apply:check", application.public_id)
    except application_services.NotEditable:
        return _after_submission(application)
    if arrived is None:
        return _after_submission(application)
    # Arrival first, as for a signed one (ADR 0011): the 到達 page turns into the receipt.
    return redirect("apply:arrival", application.public_id)


@require_GET
@with_application
def locked(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    context = selectors.procedure_context(form_version=application.form_version)
    return render(
        request,
        "apply/locked.html",
        _context(
            application,
            flow.SIGN_STEP,
            offering=context.offering,
            still_locked=signature_services.pin_remaining_tries(resident=resident) == 0,
        ),
    )


# --- after submission ---------------------------------------------------------------------------

# How often the 到達 page reloads itself while the application waits to be examined (the
# Refresh header: no JavaScript; ?auto=0 turns it off, WCAG 2.2.1).
ARRIVAL_REFRESH_SECONDS = 3


@require_GET
@with_application
def arrival(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    """到達しました（到達番号 …）: the page reloads itself until the application is examined,
    then becomes the receipt — or says why it could not be accepted (受付不可)."""
    latest = arrivals.arrival_latest_for_draft(draft=application)
    if latest is None:
        if application.receipt_number:
            return _after_submission(application)
        return redirect("apply:resume", application.public_id)
    if latest.state == ArrivalState.RECEIVED:
        return _after_submission(application)
    auto = request.GET.get("auto") != "0"
    waiting = latest.state == ArrivalState.ARRIVED
    context = selectors.procedure_context(form_version=application.form_version)
    response = render(
        request,
        "apply/arrival.html",
        {
            "application": application,
            "arrival": latest,
            "waiting": waiting,
            "auto": auto,
            "refresh_seconds": ARRIVAL_REFRESH_SECONDS,
            "first_receipt": latest.application if latest.application_id else None,
            "procedure_name": context.name or application.form_version.definition["title"],
            "municipality": application.form_version.municipality,
            "editable": application.status in EDITABLE,
        },
    )
    if waiting and auto:
        response["Refresh"] = str(ARRIVAL_REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@with_application
def receipt(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if not application.receipt_number:
        return redirect("apply:resume", application.public_id)
    services.apply_view_audit(
        application=application,
        actor=_user(request),
        view="receipt",
        ip_address=_ip(request),
    )
    context = selectors.procedure_context(form_version=application.form_version)
    return render(
        request,
        "apply/receipt.html",
        {
            "application": application,
            "definition": _localised(application.form_version.definition),
            "municipality": application.form_version.municipality,
            "procedure_name": context.name
            or _localised(application.form_version.definition)["title"],
            "offering": context.offering,
            "email": resident.email,
            "subject_has_account": bool(
                application.subject_resident_id and application.subject_resident.user_id  # type: ignore[union-attr]
            ),
        },
    )


@require_GET
@with_application
def copy_pdf(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if not application.receipt_number:
        raise Http404(_("A copy exists only once the application is received."))
    started = time.perf_counter()
    data = pdf.application_copy_pdf(application=application)
    elapsed_ms = (time.perf_counter() - started) * 1000
    services.apply_view_audit(
        application=application,
        actor=_user(request),
        view="copy.pdf",
        ip_address=_ip(request),
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"申請書控え_{application.receipt_display}.pdf"
    response["Content-Disposition"] = (
        f'attachment; filename="copy-{application.receipt_display}.pdf"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    response["Server-Timing"] = f"pdf;dur={elapsed_ms:.0f}"
    return response


@require_GET
@with_resident
def mypage(request: HttpRequest, resident: Resident) -> HttpResponse:
    page_data = selectors.mypage_for(resident=resident)
    all_apps = page_data.drafts + page_data.returned + page_data.received
    # Applications a proxy made for this resident (docs/proxies.md): listed, read only.
    concerning = list(application_selectors.applications_concerning_resident(resident=resident))
    names = selectors.procedure_names(codes={a.procedure_code for a in all_apps + concerning})
    for application in concerning:
        application.procedure_name = names.get(  # type: ignore[attr-defined]
            application.procedure_code, application.form_version.definition["title"]
        )
    for application in all_apps:
        application.procedure_name = names.get(  # type: ignore[attr-defined]
            application.procedure_code, _localised(application.form_version.definition)["title"]
        )
        application.latest_message = selectors.latest_message(application=application)  # type: ignore[attr-defined]
        application.can_withdraw = application.status in selectors.WITHDRAWABLE  # type: ignore[attr-defined]
    from madoguchi.audit.services import audit_record

    audit_record(
        action="application.list_viewed",
        actor=_user(request),
        municipality_code=resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(resident.pk),
        ip_address=_ip(request),
        data={"count": len(all_apps), "concerning": len(concerning)},
    )
    # お知らせ: signed applications that ended 受付不可 (shown here and on their 到達 page; there
    # is no notices app yet).
    notices = arrivals.arrivals_refused_for_resident(
        resident_id=resident.pk, since=timezone.now() - datetime.timedelta(days=30)
    )
    return render(
        request,
        "apply/mypage.html",
        {
            "mypage": page_data,
            "resident": resident,
            "concerning": concerning,
            "notices": notices,
            "unread_notices": notice_selectors.unread_count(resident.pk),
        },
    )


@require_GET
@with_application
def status(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if application.status == Status.DRAFT:
        return redirect("apply:resume", application.public_id)
    services.apply_view_audit(
        application=application,
        actor=_user(request),
        view="status",
        ip_address=_ip(request),
    )
    context = selectors.procedure_context(form_version=application.form_version)
    return render(
        request,
        "apply/status.html",
        {
            "application": application,
            "procedure_name": context.name
            or _localised(application.form_version.definition)["title"],
            "municipality": application.form_version.municipality,
            "history": list(application.history.order_by("at", "pk")),
            "can_withdraw": application.status in selectors.WITHDRAWABLE,
            "offering": context.offering,
        },
    )


@require_http_methods(["GET", "POST"])
@with_application
def withdraw(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    error = ""
    if request.method == "POST":
        if application.status == Status.WITHDRAWN:
            return redirect("apply:status", application.public_id)
        try:
            application_services.application_withdraw(application=application, actor=_user(request))
        except application_services.ApplicationError as refused:
            error = refused.message
        else:
            messages.success(request, _("Your application has been withdrawn."))
            return redirect("apply:status", application.public_id)
    elif application.status not in selectors.WITHDRAWABLE:
        return redirect("apply:status", application.public_id)
    context = selectors.procedure_context(form_version=application.form_version)
    return render(
        request,
        "apply/withdraw.html",
        {
            "application": application,
            "procedure_name": context.name
            or _localised(application.form_version.definition)["title"],
            "error": error,
        },
        status=409 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@with_application
def delete(request: HttpRequest, resident: Resident, application: Application) -> HttpResponse:
    if application.status != Status.DRAFT:
        return redirect("apply:status", application.public_id)
    if request.method == "POST":
        application_services.application_draft_discard(
            application=application, actor=_user(request)
        )
        messages.success(request, _("The draft has been deleted."))
        return redirect("apply:mypage")
    context = selectors.procedure_context(form_version=application.form_version)
    return render(
        request,
        "apply/delete.html",
        {
            "application": application,
            "procedure_name": context.name
            or _localised(application.form_version.definition)["title"],
        },
    )
