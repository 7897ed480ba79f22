"""The counter (窓口での代理入力, docs/proxies.md): a case worker finds the resident who is present,
starts an application with them, fills it in page by page (the resident journey's pages and
checks, reused), and then either the resident signs on the counter device with their own card,
or — for a paper application — staff register the paper as received.

Staff only (password + TOTP), case workers and administrators of the resident's municipality
(reception.access, ability PROCESS); anything outside it is a 404. Every page that shows a
resident's data writes an audit event."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.accounts.staff_auth import staff_required
from madoguchi.applications import arrivals
from madoguchi.applications import selectors as application_selectors
from madoguchi.applications import services as application_services
from madoguchi.applications.parties import parties_from_answers
from madoguchi.applications.types import ArrivalState
from madoguchi.apply import flow
from madoguchi.apply import services as apply_services
from madoguchi.apply.forms import PinForm
from madoguchi.forms import selectors as form_selectors
from madoguchi.forms.rendering import error_summary
from madoguchi.reception import access
from madoguchi.reception.access import Ability
from madoguchi.signatures import services as signature_services
from madoguchi.signatures import signers

from . import selectors, services
from .forms import PaperForm, ResidentLookupForm

if TYPE_CHECKING:
    from madoguchi.accounts.models import User
    from madoguchi.applications.models import Application

EDITABLE = application_services.EDITABLE


def _user(request: HttpRequest) -> User:
    user = request.user
    assert user.is_authenticated
    return user


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _codes(request: HttpRequest) -> set[str]:
    return access.codes_or_403(user=request.user, ability=Ability.PROCESS)


def _application(request: HttpRequest, public_id: uuid.UUID) -> Application:
    application = application_selectors.counter_application(
        municipality_codes=_codes(request), public_id=public_id
    )
    if application is None or application.resident is None:
        raise Http404(_("No such application."))
    return application


def _audit(request: HttpRequest, application: Application, view: str) -> None:
    services.counter_view_audit(
        actor=_user(request),
        municipality_code=application.municipality_id,
        object_type="application",
        object_id=application.receipt_number or str(application.public_id),
        view=view,
        ip_address=_ip(request),
    )


def _context(application: Application, current: str, **extra: Any) -> dict[str, Any]:
    definition = application.form_version.definition
    steps = flow.steps(definition)
    step = next((s for s in steps if s.key == current), steps[0])
    return {
        "application": application,
        "resident": application.resident,
        "definition": definition,
        "municipality": application.form_version.municipality,
        "steps": steps,
        "step": step,
        "step_count": len(steps),
        "whose": parties_from_answers(application.raw_answers),
        "assisted": True,
        **extra,
    }


# --- finding the resident -------------------------------------------------------------------


@staff_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    codes = _codes(request)
    form = ResidentLookupForm(request.GET if request.GET else None)
    found = None
    if form.is_bound and form.is_valid():
        found = selectors.residents_found(municipality_codes=codes, **form.cleaned_data)
        services.counter_view_audit(
            actor=_user(request),
            municipality_code=sorted(codes)[0] if len(codes) == 1 else "",
            object_type="accounts.resident",
            object_id="",
            view="resident_search",
            ip_address=_ip(request),
            data={"found": [str(r.subject) for r in found]},
        )
    return render(
        request,
        "counter/home.html",
        {"form": form, "found": found, "summary": form if form.errors else None},
    )


@staff_required
@require_GET
def resident(request: HttpRequest, subject: uuid.UUID) -> HttpResponse:
    person = selectors.resident_in_scope(municipality_codes=_codes(request), subject=subject)
    if person is None:
        raise Http404(_("No such resident."))
    services.counter_view_audit(
        actor=_user(request),
        municipality_code=person.municipality_id,
        object_type="accounts.resident",
        object_id=str(person.pk),
        view="resident",
        ip_address=_ip(request),
    )
    return render(
        request,
        "counter/resident.html",
        {
            "person": person,
            "forms": selectors.counter_forms(municipality_code=person.municipality_id),
            "drafts": selectors.counter_drafts(resident=person),
        },
    )


@staff_required
@require_POST
def start(request: HttpRequest, subject: uuid.UUID, form_version_id: uuid.UUID) -> HttpResponse:
    person = selectors.resident_in_scope(municipality_codes=_codes(request), subject=subject)
    version = form_selectors.form_version_get(form_version_id=form_version_id)
    if person is None or version is None or version.municipality_id != person.municipality_id:
        raise Http404(_("No such form."))
    draft = services.counter_application_start(
        form_version=version, resident=person, staff=_user(request)
    )
    return redirect("counter:page", draft.public_id, version.definition["pages"][0]["id"])


# --- the form's pages, with the resident ------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, public_id: uuid.UUID, page_id: str) -> HttpResponse:
    application = _application(request, public_id)
    if application.status not in EDITABLE:
        return redirect("counter:done", application.public_id)
    definition = application.form_version.definition
    current = flow.page_get(definition, page_id)
    if current is None:
        raise Http404(_("No such page."))
    result = None
    if request.method == "POST":
        saved = apply_services.apply_page_save(
            application=application, page=current, data=request.POST, files=request.FILES
        )
        action = request.POST.get("_action", "next")
        if saved.entries_changed and not saved.upload_errors:
            return redirect("counter:page", application.public_id, page_id)
        if action == "back" and not saved.upload_errors:
            previous = flow.page_before(definition, page_id)
            if previous is None:
                return redirect("counter:resident", application.resident.subject)  # type: ignore[union-attr]
            return redirect("counter:page", application.public_id, previous)
        if saved.is_valid:
            following = flow.page_after(definition, page_id)
            if following is None:
                return redirect("counter:check", application.public_id)
            return redirect("counter:page", application.public_id, following)
        result = saved.result
    else:
        _audit(request, application, f"page:{page_id}")
    everything = form_selectors.form_validate(
        form_version=application.form_version, answers=application.raw_answers
    )
    return render(
        request,
        "counter/page.html",
        _context(
            application,
            page_id,
            page=current,
            raw=application.raw_answers,
            result=result,
            answers=everything.answers,
            summary=error_summary(definition, result.errors) if result is not None else None,
            has_group=any(item["type"] == "group" for item in current["items"]),
        ),
    )


@staff_required
@require_GET
def check(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = _application(request, public_id)
    if application.status not in EDITABLE:
        return redirect("counter:done", application.public_id)
    definition = application.form_version.definition
    result = application_selectors.application_answers_check(application=application)
    entries = [
        {
            "url": reverse(
                "counter:page",
                args=[
                    application.public_id,
                    flow.page_of_item(definition, error.item) or definition["pages"][0]["id"],
                ],
            ),
            "message": error.message,
        }
        for error in result.errors
    ]
    _audit(request, application, "check")
    return render(
        request,
        "counter/check.html",
        _context(
            application,
            flow.CHECK_STEP,
            pages=flow.answer_rows(definition, result.answers, result.errors),
            error_entries=entries,
            is_valid=result.is_valid,
            signature_required=application_services.signature_required(application=application),
            paper_form=PaperForm(),
        ),
    )


# --- the resident signs, or staff register the paper ------------------------------------------


# How often the done page reloads while the signed application waits for its examination.
COUNTER_REFRESH_SECONDS = 2


@staff_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The counter device handed to the resident: they enter their own 署名用 PIN, and their
    own card signs (the virtual card in development). Staff never learn the PIN."""
    application = _application(request, public_id)
    if application.status not in EDITABLE or arrivals.arrival_pending_for_draft(draft=application):
        return redirect("counter:done", application.public_id)
    person = application.resident
    assert person is not None
    if not application_services.signature_required(application=application):
        if request.method == "POST":
            try:
                apply_services.apply_submit_unsigned(application=application, user=_user(request))
            except application_services.InvalidAnswers:
                messages.error(request, _("Some answers need correcting before sending."))
                return redirect("counter:check", application.public_id)
            return redirect("counter:done", application.public_id)
        return redirect("counter:check", application.public_id)
    remaining = signature_services.pin_remaining_tries(resident=person)
    form = PinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and remaining != 0 and form.is_valid():
        try:
            # Arrival first, as at home (docs/arrival.md): a worker examines it in moments
            # and the done page turns into the receipt by itself.
            apply_services.apply_sign_and_arrive(
                application=application,
                resident=person,
                user=_user(request),
                pin=form.cleaned_data["pin"],
            )
        except signers.PinLocked:
            form.add_error("pin", _("The signing PIN is locked. It can be reset at this counter."))
        except (signers.PinIncorrect, signers.PinFormatError, signers.NoCard) as error:
            form.add_error("pin", error.message)
        except application_services.InvalidAnswers:
            messages.error(request, _("Some answers need correcting before the resident signs."))
            return redirect("counter:check", application.public_id)
        except application_services.ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("counter:done", application.public_id)
        remaining = signature_services.pin_remaining_tries(resident=person)
    return render(
        request,
        "counter/sign.html",
        _context(application, flow.SIGN_STEP, form=form, remaining=remaining),
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def paper(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = _application(request, public_id)
    if application.status not in EDITABLE:
        return redirect("counter:done", application.public_id)
    form = PaperForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            application_services.application_paper_register(
                application=application,
                actor=_user(request),
                received_on=form.cleaned_data["received_on"],
                scan=form.cleaned_data["scan"],
            )
        except application_services.InvalidAnswers:
            messages.error(request, _("Some answers need correcting before registering."))
            return redirect("counter:check", application.public_id)
        except application_services.AttachmentInfected as error:
            form.add_error("scan", error.message)
        except application_services.ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("counter:done", application.public_id)
    definition = application.form_version.definition
    result = application_selectors.application_answers_check(application=application)
    return render(
        request,
        "counter/check.html",
        _context(
            application,
            flow.CHECK_STEP,
            pages=flow.answer_rows(definition, result.answers, result.errors),
            error_entries=[],
            is_valid=result.is_valid,
            signature_required=application_services.signature_required(application=application),
            paper_form=form,
        ),
        status=400,
    )


@staff_required
@require_GET
def done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = _application(request, public_id)
    if not application.receipt_number:
        latest = arrivals.arrival_latest_for_draft(draft=application)
        if latest is None or latest.state == ArrivalState.RECEIVED:
            return redirect("counter:check", application.public_id)
        # Signed and arrived (到達), not yet examined — or examined and not accepted.
        response = render(
            request,
            "counter/arrival.html",
            {"application": application, "arrival": latest},
        )
        if latest.state == ArrivalState.ARRIVED:
            response["Refresh"] = str(COUNTER_REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    _audit(request, application, "done")
    return render(
        request,
        "counter/done.html",
        {
            "application": application,
            "resident": application.resident,
            "whose": parties_from_answers(application.answers),
            "has_account": bool(application.resident and application.resident.user_id),
        },
    )
