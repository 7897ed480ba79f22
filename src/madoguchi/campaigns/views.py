"""Pages of benefit campaigns: the resident's 確認書 (two taps with a 公金受取口座, else a short
prefilled form) and the staff campaign page (definition, progress, counts, flags, four-eyes
approval, transfer file, 振込不能 import). Staff pages are scoped by access.py and audited."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, BinaryIO, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.accounts.staff_auth import staff_required
from madoguchi.audit.services import audit_record
from madoguchi.core import zengin
from madoguchi.linkage import selectors as linkage_selectors
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.publicfunds import selectors as funds_selectors
from madoguchi.signatures import signers
from madoguchi.signatures.services import pin_remaining_tries
from madoguchi.signin.decorators import resident_login_required
from madoguchi.signin.selectors import resident_for

from . import access, jobs, rules, selectors, services
from .access import Ability
from .forms import (
    BankAndPinForm,
    CampaignForm,
    CancelFileForm,
    DecisionForm,
    PayerForm,
    PinForm,
    UnpaidForm,
)
from .types import OPEN_STATES, JobKind, Method

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User

    from .models import Campaign

REFRESH_SECONDS = 3


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


# --- the resident --------------------------------------------------------------------------------


def with_resident(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @resident_login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        resident = resident_for(request.user)
        if resident is None:
            return render(request, "campaigns/not_registered.html", status=403)
        return view(request, resident, *args, **kwargs)

    return wrapper


def _signer_errors() -> tuple[type[Exception], ...]:
    return (signers.PinIncorrect, signers.PinFormatError, signers.NoCard, signers.PinLocked)


@require_GET
@with_resident
def mine(request: HttpRequest, resident: Resident) -> HttpResponse:
    rows = []
    for campaign in selectors.campaigns_for_resident(resident=resident):
        rows.append((campaign, selectors.entitlement_for(campaign=campaign, resident=resident)))
    return render(request, "campaigns/mine.html", {"rows": rows, "resident": resident})


def _why_not(campaign: Campaign, resident: Resident) -> str:
    """Why the resident's household has no entitlement: the same rule, on their household."""
    household = next(
        iter(
            linkage_selectors.registry_households_at(
                municipality_code=resident.municipality_id,
                day=campaign.base_date,
                with_tax=campaign.tax_exempt,
                household_id=resident.household_id,
            )
        ),
        None,
    )
    if household is None:
        return _("Your household is not in this municipality's resident registry.")
    assessment = rules.assess(campaign.rule, household)
    return assessment.reason or _(
        "Your household was not eligible when the list was made on the base date."
    )


def _public_account(resident: Resident) -> services.Account | None:
    view = funds_selectors.account_for_resident(resident.pk)
    if view is None:
        return None
    return services.Account(
        bank_code=view.bank_code,
        bank_name=view.bank_name,
        branch_code=view.branch_code,
        branch_name=view.branch_name,
        account_type=int(view.account_type),
        number=view.number,
        holder_kana=view.holder_kana,
    )


def _resident_kana(resident: Resident) -> str:
    return zengin.to_zengin_kana(f"{resident.family_name_kana} {resident.given_name_kana}")


def _viewed(request: HttpRequest, resident: Resident, campaign: Campaign, view: str) -> None:
    audit_record(
        action="campaign.viewed",
        actor=request.user,
        municipality_code=resident.municipality_id,
        object_type="campaigns.campaign",
        object_id=str(campaign.public_id),
        ip_address=_ip(request),
        data={"view": view},
    )


@require_http_methods(["GET", "POST"])
@with_resident
def confirm(request: HttpRequest, resident: Resident, public_id: uuid.UUID) -> HttpResponse:
    """The 確認書. With a 公金受取口座: the account and one button (tap 1), then the PIN (tap 2).
    Without: the short form (bank details, prefilled holder kana) and the PIN on one page."""
    campaign = selectors.campaign_for_resident(resident=resident, public_id=public_id)
    if campaign is None:
        raise Http404
    entitlement = selectors.entitlement_for(campaign=campaign, resident=resident)
    context: dict[str, Any] = {"campaign": campaign, "entitlement": entitlement}
    if entitlement is None:
        context["refusal"] = _why_not(campaign, resident)
        return render(request, "campaigns/confirm.html", context)
    refusal = services.may_confirm(entitlement=entitlement, resident=resident)
    if refusal:
        context["refusal"] = refusal
        return render(request, "campaigns/confirm.html", context)
    _viewed(request, resident, campaign, "confirm")
    if entitlement.state not in OPEN_STATES:
        return render(request, "campaigns/confirm.html", context)
    account = _public_account(resident)
    context["account"] = account
    if account is not None and request.GET.get("other") != "1":
        return render(request, "campaigns/confirm.html", context)
    form = BankAndPinForm(
        request.POST if request.method == "POST" else None,
        initial={"holder_kana": _resident_kana(resident), "account_type": 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bank = zengin.bank(data["bank_code"])
        branch = zengin.branch(data["bank_code"], data["branch_code"])
        chosen = services.Account(
            bank_code=data["bank_code"],
            bank_name=bank.name if bank else "",
            branch_code=data["branch_code"],
            branch_name=branch.name if branch else "",
            account_type=data["account_type"],
            number=data["account_number"],
            holder_kana=data["holder_kana"],
        )
        done = _confirm_or_error(request, form, entitlement, resident, chosen, Method.FORM)
        if done is not None:
            return done
    context.update(form=form, remaining=pin_remaining_tries(resident=resident))
    return render(request, "campaigns/confirm_form.html", context)


def _confirm_or_error(
    request: HttpRequest,
    form: Any,
    entitlement: Any,
    resident: Resident,
    account: services.Account,
    method: str,
) -> HttpResponse | None:
    try:
        services.entitlement_confirm(
            entitlement=entitlement,
            resident=resident,
            account=account,
            method=method,
            pin=form.cleaned_data["pin"],
            ip_address=_ip(request),
        )
    except _signer_errors() as error:
        form.add_error("pin", cast("signers.SignerError", error).message)
        return None
    except services.AlreadyConfirmed as error:
        messages.info(request, error.message)
    except services.NotAllowed as error:
        form.add_error(None, error.message)
        return None
    else:
        messages.success(request, _("Thank you. Your confirmation was signed and received."))
    return redirect("campaigns:confirm", entitlement.campaign.public_id)


@require_http_methods(["GET", "POST"])
@with_resident
def sign(request: HttpRequest, resident: Resident, public_id: uuid.UUID) -> HttpResponse:
    """Tap 2: sign the 確認書 with the 公金受取口座 using the card's signing PIN."""
    campaign = selectors.campaign_for_resident(resident=resident, public_id=public_id)
    if campaign is None:
        raise Http404
    entitlement = selectors.entitlement_for(campaign=campaign, resident=resident)
    account = _public_account(resident)
    if (
        entitlement is None
        or account is None
        or entitlement.state not in OPEN_STATES
        or services.may_confirm(entitlement=entitlement, resident=resident)
    ):
        return redirect("campaigns:confirm", public_id)
    form = PinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = _confirm_or_error(request, form, entitlement, resident, account, Method.PUBLIC_FUNDS)
        if done is not None:
            return done
    _viewed(request, resident, campaign, "sign")
    return render(
        request,
        "campaigns/sign.html",
        {
            "campaign": campaign,
            "entitlement": entitlement,
            "account": account,
            "form": form,
            "remaining": pin_remaining_tries(resident=resident),
        },
    )


# --- staff --------------------------------------------------------------------------------------


def _staff_campaign(request: HttpRequest, public_id: uuid.UUID) -> tuple[Campaign, set[str]]:
    """The campaign, if the user may read it, and the municipalities whose figures they see.
    A national campaign is worked on for one municipality at a time (「作業する市区町村」,
    ?municipality= or the form's municipality field; the user's own if they have one only):
    the page shows and changes that municipality's households only. The national
    administrator sees every municipality's figures."""
    national = access.national(request.user)
    codes = access.codes(user=request.user, ability=Ability.READ)
    if not codes and not national:
        raise PermissionDenied
    campaign = selectors.campaign_get(
        public_id=public_id, municipality_codes=codes, national=national
    )
    if campaign is None:
        raise Http404
    if campaign.municipality_id:
        codes = {campaign.municipality_id}
    elif national:
        codes = set(services.campaign_municipalities(campaign))
    else:
        codes = {_chosen(request, codes)}
    return campaign, codes


def _chosen(request: HttpRequest, codes: set[str]) -> str:
    wanted = request.POST.get("municipality") or request.GET.get("municipality") or ""
    return wanted if wanted in codes else min(codes)


def _working_code(request: HttpRequest, campaign: Campaign, ability: Ability) -> str:
    """The one municipality an approval or payment action is for (a national campaign is paid
    by each municipality: the 「作業する市区町村」 chosen on the page)."""
    codes = access.codes_or_403(user=request.user, ability=ability)
    if campaign.municipality_id:
        if campaign.municipality_id not in codes:
            raise PermissionDenied
        return campaign.municipality_id
    wanted = request.POST.get("municipality") or request.GET.get("municipality") or ""
    if wanted in codes:
        return wanted
    if len(codes) == 1:
        return next(iter(codes))
    raise Http404


def _back(campaign: Campaign, code: str | None = None, anchor: str = "") -> HttpResponse:
    """Back to the campaign page (of the municipality worked on, for a national campaign)."""
    url = reverse("campaigns:staff-detail", args=[campaign.public_id])
    if code and not campaign.municipality_id:
        url += "?" + urlencode({"municipality": code})
    return HttpResponseRedirect(url + anchor)


def _error_working(request: HttpRequest, campaign: Campaign, code: str) -> dict[str, Any]:
    """The form pages shown again with an error keep (and name) the municipality worked for;
    a municipality's own campaign just keeps its code in the form."""
    found = _working_context(request, campaign, {code})
    if not found["working"]:
        return {"working": {"code": code}}
    return {**found, "working_choices": []}  # switching is done on the campaign page


def _working_context(request: HttpRequest, campaign: Campaign, codes: set[str]) -> dict[str, Any]:
    """What the templates need to show and keep the municipality worked on."""
    if campaign.municipality_id or access.national(request.user):
        return {"working": None, "working_choices": []}
    working = next(iter(codes))
    mine = sorted(access.codes(user=request.user, ability=Ability.READ))
    names = {
        m.code: m.name for m in municipality_selectors.municipality_list().filter(code__in=mine)
    }
    return {
        "working": {"code": working, "name": names.get(working, working)},
        "working_choices": [(code, names.get(code, code)) for code in mine],
    }


def _may_define(request: HttpRequest, campaign: Campaign | None) -> bool:
    if campaign is None or campaign.municipality_id is None:
        return access.national(request.user) or (
            campaign is None and bool(access.codes(user=request.user, ability=Ability.DEFINE))
        )
    return campaign.municipality_id in access.codes(user=request.user, ability=Ability.DEFINE)


def _may_flag(request: HttpRequest, campaign: Campaign, codes: set[str]) -> bool:
    """Checking registry changes is part of processing (admins and case workers) of a
    municipality's campaign. A national campaign's check runs over every municipality's
    households, so only who defines it (the national administrator) starts it."""
    if _may_define(request, campaign):
        return True
    process = access.codes(user=request.user, ability=Ability.PROCESS)
    return bool(campaign.municipality_id) and bool(process & codes)


def _staff_audit(
    request: HttpRequest,
    campaign: Campaign,
    codes: set[str],
    view: str,
    *,
    action: str = "campaign.staff_viewed",
    shown: Callable[[str], dict[str, Any]] | None = None,
) -> None:
    """One audit event per municipality whose data the page shows (`shown`: what of it)."""
    for code in sorted(codes) or [""]:
        audit_record(
            action=action,
            actor=request.user,
            municipality_code=code,
            object_type="campaigns.campaign",
            object_id=str(campaign.public_id),
            ip_address=_ip(request),
            data={"view": view, **(shown(code) if shown is not None else {})},
        )


@staff_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    national = access.national(request.user)
    codes = access.codes(user=request.user, ability=Ability.READ)
    if not codes and not national:
        raise PermissionDenied
    return render(
        request,
        "campaigns/staff_list.html",
        {
            "campaigns": selectors.campaigns_for(municipality_codes=codes, national=national),
            "may_create": national or bool(access.codes(user=request.user, ability=Ability.DEFINE)),
        },
    )


def _campaign_initial(campaign: Campaign) -> dict[str, Any]:
    return {name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS}


@staff_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, public_id: uuid.UUID | None = None) -> HttpResponse:
    campaign: Campaign | None = None
    if public_id is not None:
        campaign, _codes = _staff_campaign(request, public_id)
    if not _may_define(request, campaign):
        raise PermissionDenied
    define_codes = sorted(access.codes(user=request.user, ability=Ability.DEFINE))
    national = access.national(request.user)
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        initial=_campaign_initial(campaign) if campaign is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        if campaign is None:
            municipality_code: str | None = None if national else define_codes[0]
        else:
            municipality_code = campaign.municipality_id
        try:
            campaign = services.campaign_save(
                user=_user(request),
                data=form.cleaned_data,
                municipality_code=municipality_code,
                campaign=campaign,
            )
        except services.CampaignError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The benefit was saved. Compute the eligibility next."))
            return redirect("campaigns:staff-detail", campaign.public_id)
    return render(
        request,
        "campaigns/staff_edit.html",
        {"form": form, "campaign": campaign, "national": national and campaign is None},
    )


@staff_required
@require_GET
def staff_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    campaign, codes = _staff_campaign(request, public_id)
    _staff_audit(request, campaign, codes, "detail")
    running = selectors.job_running(campaign=campaign)
    process_codes = access.codes(user=request.user, ability=Ability.PROCESS) & codes
    payer_code = campaign.municipality_id or (min(process_codes) if process_codes else "")
    payer = selectors.last_payer(municipality_code=payer_code) if payer_code else None
    response = render(
        request,
        "campaigns/staff_detail.html",
        {
            "campaign": campaign,
            "counts": selectors.counts(campaign=campaign, municipality_codes=codes),
            "flagged": list(selectors.flagged(campaign=campaign, municipality_codes=codes)[:50]),
            "batches": list(selectors.batches(campaign=campaign, municipality_codes=codes)[:20]),
            "files": list(
                selectors.payment_files(campaign=campaign, municipality_codes=codes)[:20]
            ),
            # A national campaign's jobs count every municipality's households: their figures
            # are the national administrator's, not shown to one municipality's staff.
            "jobs": list(selectors.jobs(campaign=campaign)[:5])
            if campaign.municipality_id or access.national(request.user)
            else [],
            "running": running,
            "may_define": _may_define(request, campaign),
            "may_process": bool(process_codes),
            "may_flag": _may_flag(request, campaign, codes),
            "payer_form": PayerForm(initial=payer or {"account_type": 1}),
            "unpaid_form": UnpaidForm(),
            "job_kinds": JobKind,
            "me": request.user.pk,
            "cancel_form": CancelFileForm(),
            "today": timezone.localdate(),
            **_working_context(request, campaign, codes),
        },
    )
    if running:
        # The page follows the job without JavaScript (HTTP Refresh header).
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@staff_required
@require_POST
def staff_job(request: HttpRequest, public_id: uuid.UUID, kind: str) -> HttpResponse:
    campaign, codes = _staff_campaign(request, public_id)
    if kind not in JobKind.values:
        raise Http404
    if kind == JobKind.FLAGS:
        if not _may_flag(request, campaign, codes):
            raise PermissionDenied
    elif not _may_define(request, campaign):
        raise PermissionDenied
    if selectors.job_running(campaign=campaign):
        messages.warning(request, _("A job of this benefit is still running."))
    elif kind == JobKind.COMPUTE and campaign.frozen:
        messages.error(
            request, _("The notices of this benefit were sent: it can no longer change.")
        )
    else:
        jobs.job_start(campaign=campaign, kind=kind, user=_user(request))
        messages.success(request, _("The job was started; this page shows its progress."))
    return redirect("campaigns:staff-detail", campaign.public_id)


@staff_required
@require_POST
def staff_approval_request(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    campaign, _codes = _staff_campaign(request, public_id)
    code = _working_code(request, campaign, Ability.PROCESS)
    batch = services.approval_request(
        campaign=campaign, municipality_code=code, user=_user(request)
    )
    if batch is None:
        messages.info(request, _("No confirmed household waits for approval."))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s household was put into a batch. "
                "A second staff member has to confirm it.",
                "%(count)s households were put into a batch. "
                "A second staff member has to confirm it.",
                batch.count,
            )
            % {"count": batch.count},
        )
    return _back(campaign, code, "#approval")


@staff_required
@require_POST
def staff_approval_confirm(
    request: HttpRequest, public_id: uuid.UUID, batch_id: int
) -> HttpResponse:
    campaign, batch = _batch_or_404(request, public_id, batch_id)
    try:
        approved = services.approval_confirm(batch=batch, user=_user(request))
    except services.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s household was approved.", "%(count)s households were approved.", approved
            )
            % {"count": approved},
        )
    return _back(campaign, batch.municipality_code, "#approval")


@staff_required
@require_POST
def staff_payment_file(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    campaign, _codes = _staff_campaign(request, public_id)
    code = _working_code(request, campaign, Ability.PROCESS)
    form = PayerForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "campaigns/staff_payer.html",
            {"campaign": campaign, "payer_form": form, **_error_working(request, campaign, code)},
            status=400,
        )
    data = form.cleaned_data
    payer = {key: data[key] for key in services.PAYER_FIELDS}
    created = services.payment_file_create(
        campaign=campaign,
        municipality_code=code,
        user=_user(request),
        transfer_date=data["transfer_date"],
        payer=payer,
    )
    if created is None:
        messages.info(request, _("No approved household waits for payment."))
    else:
        messages.success(
            request,
            ngettext(
                "A transfer file of %(count)s payment was made. Download it below.",
                "A transfer file of %(count)s payments was made. Download it below.",
                created.count,
            )
            % {"count": created.count},
        )
    return _back(campaign, code, "#payment")


@staff_required
@require_GET
def staff_payment_download(
    request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID
) -> HttpResponseBase:
    campaign, payment_file = _file_or_404(request, public_id, file_id)
    try:
        services.payment_file_downloaded(
            payment_file=payment_file, user=_user(request), ip_address=_ip(request)
        )
    except services.CampaignError as error:
        messages.error(request, error.message)
        return _back(campaign, payment_file.municipality_code, "#payment")
    # Written record by record into a spooled file (memory up to 1 MiB, then disk) and streamed.
    spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 - FileResponse closes it
    services.payment_file_write(payment_file=payment_file, out=cast("BinaryIO", spool))
    spool.seek(0)
    name = f"sogo-furikomi-{payment_file.municipality_code}-{payment_file.transfer_date:%Y%m%d}.txt"
    response = FileResponse(
        spool, as_attachment=True, filename=name, content_type="text/plain; charset=Shift_JIS"
    )
    return response


@staff_required
@require_POST
def staff_unpaid(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    campaign, _codes = _staff_campaign(request, public_id)
    code = _working_code(request, campaign, Ability.PROCESS)
    form = UnpaidForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.unpaid_import(
                campaign=campaign,
                municipality_code=code,
                fp=form.cleaned_data["file"],
                user=_user(request),
            )
        except zengin.ZenginFormatError as error:
            form.add_error(
                "file", _("The file is not a valid result file: %(error)s") % {"error": error}
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s payment was marked failed; "
                    "the resident was asked for another account.",
                    "%(count)s payments were marked failed; "
                    "the residents were asked for another account.",
                    result.failed,
                )
                % {"count": result.failed},
            )
            if result.unknown:
                messages.warning(
                    request,
                    _("These customer codes match no payment of this benefit: %(codes)s")
                    % {"codes": ", ".join(result.unknown[:20])},
                )
            return _back(campaign, code, "#unpaid")
    return render(
        request,
        "campaigns/staff_unpaid.html",
        {"campaign": campaign, "unpaid_form": form, **_error_working(request, campaign, code)},
        status=400,
    )


# --- flagged households, undo --------------------------------------------------------------------


def _process_codes(request: HttpRequest, codes: set[str]) -> set[str]:
    """The municipalities of `codes` whose households the user processes (else 403)."""
    found = codes & access.codes_or_403(user=request.user, ability=Ability.PROCESS)
    if not found:
        raise PermissionDenied
    return found


def _flags_page(
    request: HttpRequest,
    campaign: Campaign,
    codes: set[str],
    bound: tuple[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for entitlement in selectors.flagged(campaign=campaign, municipality_codes=codes):
        if bound is not None and bound[0] == entitlement.pk:
            form = bound[1]
        else:
            form = DecisionForm(
                prefix=f"e{entitlement.pk}",
                initial={
                    "decision": entitlement.decision or None,
                    "reason": entitlement.decision_reason,
                },
            )
        rows.append((entitlement, form, selectors.decision_open(entitlement)))
    _staff_audit(
        request,
        campaign,
        codes,
        "flags",
        action="campaign.flags_viewed",
        shown=lambda code: {
            "entitlements": [e.pk for e, _f, _o in rows if e.municipality_code == code][:500]
        },
    )
    return render(
        request,
        "campaigns/staff_flags.html",
        {
            "campaign": campaign,
            "rows": rows,
            "pushed": campaign.frozen,
            **_working_context(request, campaign, codes),
        },
        status=status,
    )


@staff_required
@require_GET
def staff_flags(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The flagged households one by one (registry changes since the 基準日) and 支給する /
    支給しない for each (case workers and administrators of the municipality)."""
    campaign, codes = _staff_campaign(request, public_id)
    return _flags_page(request, campaign, _process_codes(request, codes))


@staff_required
@require_POST
def staff_flag_decide(
    request: HttpRequest, public_id: uuid.UUID, entitlement_id: int
) -> HttpResponse:
    campaign, codes = _staff_campaign(request, public_id)
    codes = _process_codes(request, codes)
    entitlement = (
        selectors.flagged(campaign=campaign, municipality_codes=codes)
        .filter(pk=entitlement_id)
        .first()
    )
    if entitlement is None:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"e{entitlement.pk}")
    if form.is_valid():
        try:
            services.flag_decide(
                entitlement=entitlement,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                user=_user(request),
                ip_address=_ip(request),
            )
        except services.CampaignError as error:
            if error.field is None:
                messages.error(request, error.message)
                return _flags_back(campaign, entitlement.municipality_code)
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The decision was saved."))
            return _flags_back(campaign, entitlement.municipality_code)
    return _flags_page(request, campaign, codes, bound=(entitlement.pk, form), status=400)


def _flags_back(campaign: Campaign, code: str) -> HttpResponse:
    url = reverse("campaigns:staff-flags", args=[campaign.public_id])
    if not campaign.municipality_id:
        url += "?" + urlencode({"municipality": code})
    return HttpResponseRedirect(url)


@staff_required
@require_POST
def staff_approval_withdraw(
    request: HttpRequest, public_id: uuid.UUID, batch_id: int
) -> HttpResponse:
    campaign, batch = _batch_or_404(request, public_id, batch_id)
    try:
        released = services.approval_withdraw(batch=batch, user=_user(request))
    except services.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "The batch was withdrawn; %(count)s household waits for a new batch.",
                "The batch was withdrawn; %(count)s households wait for a new batch.",
                released,
            )
            % {"count": released},
        )
    return _back(campaign, batch.municipality_code, "#approval")


def _batch_or_404(request: HttpRequest, public_id: uuid.UUID, batch_id: int) -> Any:
    """The campaign and its batch of a municipality the user processes (worked for), or 404."""
    campaign, codes = _staff_campaign(request, public_id)
    batch = selectors.batch_get(
        campaign=campaign, batch_id=batch_id, municipality_codes=_process_codes(request, codes)
    )
    if batch is None:
        raise Http404
    return campaign, batch


def _file_or_404(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> Any:
    campaign, codes = _staff_campaign(request, public_id)
    payment_file = selectors.payment_file_get(
        campaign=campaign, public_id=file_id, municipality_codes=_process_codes(request, codes)
    )
    if payment_file is None:
        raise Http404
    return campaign, payment_file


@staff_required
@require_POST
def staff_payment_cancel(
    request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID
) -> HttpResponse:
    campaign, payment_file = _file_or_404(request, public_id, file_id)
    form = CancelFileForm(request.POST)
    form.is_valid()
    try:
        voided = services.payment_file_cancel(
            payment_file=payment_file,
            user=_user(request),
            not_sent_confirmed=bool(form.cleaned_data.get("not_sent")),
        )
    except services.CampaignError as error:
        if error.field is None:
            messages.error(request, error.message)
            return _back(campaign, payment_file.municipality_code, "#payment")
        form.add_error(error.field, error.message)
        return render(
            request,
            "campaigns/staff_cancel.html",
            {
                "campaign": campaign,
                "file": payment_file,
                "cancel_form": form,
                **_error_working(request, campaign, payment_file.municipality_code),
            },
            status=400,
        )
    messages.success(
        request,
        _(
            "The transfer file was cancelled: %(count)s payments were voided "
            "and wait for a new file."
        )
        % {"count": voided},
    )
    return _back(campaign, payment_file.municipality_code, "#payment")


@staff_required
@require_POST
def staff_payment_sent(
    request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID
) -> HttpResponse:
    campaign, payment_file = _file_or_404(request, public_id, file_id)
    try:
        services.payment_file_mark_sent(payment_file=payment_file, user=_user(request))
    except services.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The transfer file was marked as sent to the bank."))
    return _back(campaign, payment_file.municipality_code, "#payment")
