"""The resident's 公金受取口座 pages under My page: see it, register or change it (details →
check and sign with the card), remove it (signed). No JavaScript needed; every POST that
succeeds answers with a redirect. Every page that shows the account audits the view."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.signatures import signers
from madoguchi.signatures.services import pin_remaining_tries

from . import selectors, services
from .access import with_resident
from .forms import AccountForm, PinForm
from .types import AccountDetails, AccountType

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

PENDING = "publicfunds.pending"
# Where to go back to after registering: an application form page that offered the account
# (「公金受取口座を利用する」, ADR 0021). Only a path of the application flow is kept.
RETURN_TO = "publicfunds.return_to"
RETURN_PREFIX = "/apply/"
SIGNER_ERRORS = (signers.PinIncorrect, signers.PinFormatError, signers.NoCard, signers.PinLocked)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _viewed(request: HttpRequest, resident: Resident, view: str) -> None:
    services.account_viewed(
        resident_id=resident.pk,
        municipality_code=resident.municipality_id,
        user=request.user,
        view=view,
        ip_address=_ip(request),
    )


def return_path(value: object) -> str | None:
    """`value` if it is a path of the application flow on this site, else None (never an
    open redirect: no scheme, no host, no "//" or backslash tricks)."""
    if not isinstance(value, str) or not value.startswith(RETURN_PREFIX) or "\\" in value:
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return None
    return value


def _type_label(details: AccountDetails) -> str:
    return str(AccountType(details.account_type).label)


@require_GET
@with_resident
def mine(request: HttpRequest, resident: Resident) -> HttpResponse:
    account = selectors.account_for_resident(resident.pk)
    history = list(selectors.account_history(resident.pk)[:20])
    if account is not None or history:
        _viewed(request, resident, "resident-page")
    # A registration or change left half-way is dropped: "change" starts from the account.
    request.session.pop(PENDING, None)
    request.session.pop(RETURN_TO, None)
    return render(
        request,
        "publicfunds/mine.html",
        {"resident": resident, "account": account, "history": history},
    )


@require_http_methods(["GET", "POST"])
@with_resident
def edit(request: HttpRequest, resident: Resident) -> HttpResponse:
    account = selectors.account_for_resident(resident.pk)
    if (back := return_path(request.GET.get("next"))) is not None:
        request.session[RETURN_TO] = back
    if request.method == "POST":
        form = AccountForm(request.POST, resident=resident)
        if form.is_valid() and form.checked is not None and not form.needs_name_confirmation:
            request.session[PENDING] = {
                "action": "change" if account is not None else "register",
                "details": dataclasses.asdict(form.checked.details),
                "confirmed": bool(form.name_warning),
            }
            return redirect("publicfunds:sign")
    else:
        pending = request.session.get(PENDING)
        if isinstance(pending, dict) and isinstance(pending.get("details"), dict):
            initial = AccountForm.initial_for(AccountDetails(**pending["details"]))
        elif account is not None:
            initial = AccountForm.initial_for(account.details)
            _viewed(request, resident, "resident-edit")
        else:
            holder = f"{resident.family_name_kana}　{resident.given_name_kana}".strip("　")
            initial = {"holder": holder, "account_type": str(AccountType.ORDINARY)}
        form = AccountForm(initial=initial, resident=resident)
    return render(
        request,
        "publicfunds/edit.html",
        {
            "resident": resident,
            "form": form,
            "account": account,
            "returning": return_path(request.session.get(RETURN_TO)) is not None,
        },
        status=400 if form.errors else 200,
    )


def _pending(request: HttpRequest) -> tuple[str, AccountDetails, bool] | None:
    pending: Any = request.session.get(PENDING)
    try:
        return (
            str(pending["action"]),
            AccountDetails(**pending["details"]),
            bool(pending.get("confirmed")),
        )
    except (KeyError, TypeError):
        return None


@require_http_methods(["GET", "POST"])
@with_resident
def sign(request: HttpRequest, resident: Resident) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("publicfunds:edit")
    action, details, confirmed = pending
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        write = services.account_change if action == "change" else services.account_register
        try:
            write(
                resident=resident,
                user=request.user,
                details=details,
                pin=form.cleaned_data["pin"],
                name_warning_confirmed=confirmed,
                ip_address=_ip(request),
            )
        except SIGNER_ERRORS as error:
            form.add_error("pin", error.message)
        except services.AccountError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(PENDING, None)
            messages.success(
                request,
                _("Your account was changed.")
                if action == "change"
                else _("Your account was registered."),
            )
            back = return_path(request.session.pop(RETURN_TO, None))
            return redirect(back) if back is not None else redirect("publicfunds:mine")
    return render(
        request,
        "publicfunds/sign.html",
        {
            "resident": resident,
            "details": details,
            "type_label": _type_label(details),
            "action": action,
            "form": form,
            "remaining": pin_remaining_tries(resident=resident),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@with_resident
def remove(request: HttpRequest, resident: Resident) -> HttpResponse:
    account = selectors.account_for_resident(resident.pk)
    if account is None:
        return redirect("publicfunds:mine")
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_remove(
                resident=resident,
                user=request.user,
                pin=form.cleaned_data["pin"],
                ip_address=_ip(request),
            )
        except SIGNER_ERRORS as error:
            form.add_error("pin", error.message)
        except services.AccountError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your account was removed."))
            return redirect("publicfunds:mine")
    _viewed(request, resident, "resident-remove")
    return render(
        request,
        "publicfunds/remove.html",
        {
            "resident": resident,
            "account": account,
            "form": form,
            "remaining": pin_remaining_tries(resident=resident),
        },
        status=400 if form.errors else 200,
    )
