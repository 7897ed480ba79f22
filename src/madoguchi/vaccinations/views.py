"""Pages of the vaccination record system: the clinic's upload, the staff console, the
resident's records and certificates, the public verify page and the issuers' JWKS."""

from __future__ import annotations

import csv
import datetime
import uuid
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.accounts.staff_auth import staff_required
from madoguchi.signatures import signers
from madoguchi.signatures.services import pin_remaining_tries
from madoguchi.signin.decorators import resident_login_required
from madoguchi.signin.selectors import resident_for

from . import access, checking, pdf, selectors, services, shc, verify
from .access import Ability
from .forms import (
    ConfirmForm,
    CorrectionForm,
    CountsForm,
    PinForm,
    RecordFields,
    SearchForm,
    TransferForm,
    UploadForm,
    VerifyForm,
    VoidForm,
)
from .types import PRODUCTS, UploadStatus

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User

    from .models import Clinic


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _apply_error(form: Any, error: services.VaccinationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- Clinic --------------------------------------------------------------------------------------


def with_clinic(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access.codes_or_403(user=request.user, ability=Ability.UPLOAD)
        clinic = selectors.clinic_for(user=request.user)
        if clinic is None:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return view(request, clinic, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@with_clinic
def clinic_home(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        received = services.upload_receive(
            clinic=clinic, user=_user(request), file=form.cleaned_data["file"]
        )
        if received.seen_before:
            messages.warning(
                request,
                _("This file was uploaded before (on %(date)s). Its earlier upload is shown.")
                % {
                    "date": timezone.localtime(received.upload.created_at).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                },
            )
        return redirect("vaccinations:upload", received.upload.public_id)
    return render(
        request,
        "vaccinations/clinic_home.html",
        {
            "clinic": clinic,
            "form": form,
            "uploads": selectors.uploads_for(clinic=clinic)[:20],
            "served": sorted(checking.served_codes(clinic=clinic)),
        },
    )


def _upload_or_404(clinic: Clinic, public_id: uuid.UUID) -> Any:
    upload = selectors.upload_get(clinic=clinic, public_id=public_id)
    if upload is None:
        raise Http404
    return upload


@require_GET
@with_clinic
def upload_detail(request: HttpRequest, clinic: Clinic, public_id: uuid.UUID) -> HttpResponse:
    upload = _upload_or_404(clinic, public_id)
    rows = selectors.upload_error_rows(upload=upload)
    services.audit_upload_viewed(upload=upload, user=_user(request), ip_address=_ip(request))
    return render(
        request,
        "vaccinations/upload.html",
        {
            "clinic": clinic,
            "upload": upload,
            "error_rows": rows,
            "form": ConfirmForm(),
            "busy": upload.status in {UploadStatus.RECEIVED, UploadStatus.CHECKING},
            "status": UploadStatus,
        },
    )


@require_POST
@with_clinic
def upload_import(request: HttpRequest, clinic: Clinic, public_id: uuid.UUID) -> HttpResponse:
    upload = _upload_or_404(clinic, public_id)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        upload = services.upload_import(
            upload=upload,
            user=_user(request),
            partial=bool(form.cleaned_data.get("confirm_partial")),
        )
    except services.VaccinationError as error:
        _apply_error(form, error)
        return render(
            request,
            "vaccinations/upload.html",
            {
                "clinic": clinic,
                "upload": upload,
                "error_rows": selectors.upload_error_rows(upload=upload),
                "form": form,
                "busy": False,
                "status": UploadStatus,
            },
            status=400,
        )
    messages.success(
        request,
        ngettext(
            "%(count)d record was registered.",
            "%(count)d records were registered.",
            upload.rows_imported,
        )
        % {"count": upload.rows_imported},
    )
    return redirect("vaccinations:upload", upload.public_id)


@require_POST
@with_clinic
def upload_discard(request: HttpRequest, clinic: Clinic, public_id: uuid.UUID) -> HttpResponse:
    upload = _upload_or_404(clinic, public_id)
    try:
        services.upload_discard(upload=upload, user=_user(request))
    except services.VaccinationError as error:
        messages.error(request, error.message)
        return redirect("vaccinations:upload", upload.public_id)
    messages.success(request, _("The upload was discarded. Nothing was registered."))
    return redirect("vaccinations:clinic")


# --- Staff console -------------------------------------------------------------------------------


@require_GET
@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    abilities = access.abilities(user=request.user)
    if abilities == {Ability.UPLOAD}:
        return redirect("vaccinations:clinic")
    codes = access.codes_or_403(user=request.user, ability=Ability.READ)
    form = SearchForm(request.GET or None)
    residents: list[Resident] = []
    searched = False
    if form.is_valid() and form.cleaned_data["q"]:
        searched = True
        residents = selectors.residents_search(municipality_codes=codes, q=form.cleaned_data["q"])
        for code in sorted({r.municipality_id for r in residents}):
            services.records_viewed(
                user=_user(request),
                municipality_code=code,
                view="search",
                data={
                    "residents": [str(r.subject) for r in residents if r.municipality_id == code]
                },
            )
    return render(
        request,
        "vaccinations/staff_home.html",
        {"form": form, "residents": residents, "searched": searched, "codes": sorted(codes)},
    )


def _resident_or_404(request: HttpRequest, subject: uuid.UUID, ability: Ability) -> Resident:
    codes = access.codes_or_403(user=request.user, ability=ability)
    resident = selectors.resident_in(municipality_codes=codes, subject=subject)
    if resident is None:
        raise Http404
    return resident


def _resident_page(
    request: HttpRequest, resident: Resident, *, status: int = 200, **forms: Any
) -> HttpResponse:
    codes = access.codes(user=request.user, ability=Ability.READ)
    records = list(selectors.records_for(resident=resident, municipality_codes=codes))
    services.records_viewed(
        user=_user(request),
        municipality_code=resident.municipality_id,
        view="resident",
        data={"resident": str(resident.subject), "records": len(records)},
    )
    can_correct = resident.municipality_id in access.codes(
        user=request.user, ability=Ability.CORRECT
    )
    return render(
        request,
        "vaccinations/staff_resident.html",
        {
            "resident": resident,
            "voucher": selectors.voucher_for(resident=resident),
            "records": records,
            "products": PRODUCTS,
            "can_correct": can_correct,
            "add_form": forms.get("add_form") or RecordFields(prefix="add"),
            "transfer_form": forms.get("transfer_form") or TransferForm(prefix="move"),
            "transfers": selectors.transfers_to(
                municipality_codes={resident.municipality_id}
            ).filter(resident=resident)[:10],
        },
        status=status,
    )


@require_GET
@staff_required
def staff_resident(request: HttpRequest, subject: uuid.UUID) -> HttpResponse:
    return _resident_page(request, _resident_or_404(request, subject, Ability.READ))


@require_POST
@staff_required
def staff_voucher(request: HttpRequest, subject: uuid.UUID) -> HttpResponse:
    resident = _resident_or_404(request, subject, Ability.CORRECT)
    services.voucher_issue(resident=resident)
    return redirect("vaccinations:staff-resident", resident.subject)


@require_POST
@staff_required
def staff_record_add(request: HttpRequest, subject: uuid.UUID) -> HttpResponse:
    resident = _resident_or_404(request, subject, Ability.CORRECT)
    form = RecordFields(request.POST, prefix="add")
    if form.is_valid():
        try:
            services.record_create(resident=resident, user=_user(request), **form.cleaned_data)
        except services.VaccinationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The record was added."))
            return redirect("vaccinations:staff-resident", resident.subject)
    return _resident_page(request, resident, status=400, add_form=form)


def _record_or_404(request: HttpRequest, public_id: uuid.UUID) -> Any:
    codes = access.codes_or_403(user=request.user, ability=Ability.CORRECT)
    record = selectors.record_in(municipality_codes=codes, public_id=public_id)
    if record is None:
        raise Http404
    return record


@require_http_methods(["GET", "POST"])
@staff_required
def staff_record_correct(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    record = _record_or_404(request, public_id)
    initial = {name: getattr(record, name) for name in services.CORRECTABLE}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            services.record_correct(
                record=record,
                user=_user(request),
                reason=form.cleaned_data["reason"],
                values=values,
            )
        except services.VaccinationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The record was corrected. The old values are kept."))
            return redirect("vaccinations:staff-resident", record.resident.subject)
    return render(
        request,
        "vaccinations/staff_correct.html",
        {"record": record, "form": form, "void_form": VoidForm()},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required
def staff_record_void(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    record = _record_or_404(request, public_id)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.record_void(
                record=record, user=_user(request), reason=form.cleaned_data["reason"]
            )
        except services.VaccinationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The record was voided."))
            return redirect("vaccinations:staff-resident", record.resident.subject)
    initial = {name: getattr(record, name) for name in services.CORRECTABLE}
    return render(
        request,
        "vaccinations/staff_correct.html",
        {"record": record, "form": CorrectionForm(initial=initial), "void_form": form},
        status=400,
    )


@require_POST
@staff_required
def staff_transfer_request(request: HttpRequest, subject: uuid.UUID) -> HttpResponse:
    resident = _resident_or_404(request, subject, Ability.CORRECT)
    form = TransferForm(request.POST, prefix="move")
    if form.is_valid():
        try:
            exchange = services.transfer_request(
                resident=resident,
                from_municipality_code=form.cleaned_data["from_municipality"],
                user=_user(request),
            )
        except services.VaccinationError as error:
            _apply_error(form, error)
        else:
            return redirect("vaccinations:staff-transfer", exchange.public_id)
    return _resident_page(request, resident, status=400, transfer_form=form)


@require_http_methods(["GET", "POST"])
@staff_required
def staff_transfer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    codes = access.codes_or_403(user=request.user, ability=Ability.CORRECT)
    exchange = selectors.transfer_in(municipality_codes=codes, public_id=public_id)
    if exchange is None:
        raise Http404
    if request.method == "POST":
        try:
            created = services.transfer_take_over(exchange=exchange, user=_user(request))
        except services.VaccinationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d record was taken over.",
                    "%(count)d records were taken over.",
                    len(created),
                )
                % {"count": len(created)},
            )
        return redirect("vaccinations:staff-resident", exchange.resident.subject)
    services.records_viewed(
        user=_user(request),
        municipality_code=exchange.to_municipality_id,
        view="transfer",
        data={"transfer": str(exchange.public_id)},
    )
    return render(
        request,
        "vaccinations/staff_transfer.html",
        {"exchange": exchange, "products": PRODUCTS},
    )


@require_GET
@staff_required
def staff_transfers(request: HttpRequest) -> HttpResponse:
    codes = access.codes_or_403(user=request.user, ability=Ability.READ)
    return render(
        request,
        "vaccinations/staff_transfers.html",
        {
            "incoming": selectors.transfers_to(municipality_codes=codes)[:50],
            "outgoing": selectors.transfers_from(municipality_codes=codes)[:50],
        },
    )


def _range(form: CountsForm) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    start = form.cleaned_data.get("start") or today - datetime.timedelta(days=365)
    end = form.cleaned_data.get("end") or today
    return start, end


@require_GET
@staff_required
def staff_counts(request: HttpRequest) -> HttpResponse:
    codes = access.codes_or_403(user=request.user, ability=Ability.READ)
    form = CountsForm(request.GET or None)
    rows: list[dict[str, Any]] = []
    if not request.GET or form.is_valid():
        if not request.GET:
            form = CountsForm({})
            form.is_valid()
        start, end = _range(form)
        rows = selectors.daily_counts(municipality_codes=codes, start=start, end=end)
        for row in rows:
            row["product_name"] = PRODUCTS[row["product"]].name
    return render(
        request,
        "vaccinations/staff_counts.html",
        {
            "form": form,
            "rows": rows,
            "can_export": bool(access.codes(user=request.user, ability=Ability.EXPORT)),
        },
        status=400 if form.errors else 200,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@staff_required
def staff_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    codes = access.codes_or_403(user=request.user, ability=Ability.EXPORT)
    form = CountsForm(request.GET)
    if not form.is_valid():
        return redirect("vaccinations:staff-counts")
    start, end = _range(form)
    for code in sorted(codes):
        services.records_viewed(
            user=_user(request),
            municipality_code=code,
            view="export",
            data={"start": start.isoformat(), "end": end.isoformat()},
        )
    writer = csv.writer(_Echo())
    header = [
        "市区町村コード",
        "接種券番号",
        "氏名",
        "生年月日",
        "接種日",
        "ワクチン",
        "ロット番号",
        "接種回数",
        "医療機関コード",
        "登録元",
    ]

    def lines() -> Any:
        yield "\ufeff" + writer.writerow(header)
        records = selectors.records_in(municipality_codes=codes, start=start, end=end)
        for record in records.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    record.municipality_id,
                    selectors.voucher_number_of(record.resident),
                    record.resident.name,
                    record.resident.birth_date.isoformat(),
                    record.administered_on.isoformat(),
                    record.product,
                    record.lot,
                    record.dose_number,
                    record.site_code,
                    record.get_source_display(),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="vaccinations-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    return response


# --- Resident ------------------------------------------------------------------------------------


def with_resident(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @resident_login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        resident = resident_for(request.user)
        if resident is None:
            return render(request, "vaccinations/not_registered.html", status=403)
        return view(request, resident, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@with_resident
def mine(request: HttpRequest, resident: Resident) -> HttpResponse:
    records = list(selectors.live_records_for(resident=resident))
    remaining = pin_remaining_tries(resident=resident)
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.certificate_issue(
                resident=resident,
                user=_user(request),
                pin=form.cleaned_data["pin"],
                ip_address=_ip(request),
            )
        except (
            signers.PinIncorrect,
            signers.PinFormatError,
            signers.NoCard,
            signers.PinLocked,
        ) as error:
            form.add_error("pin", error.message)
        except services.VaccinationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("vaccinations:certificate", certificate.public_id)
        remaining = pin_remaining_tries(resident=resident)
    services.records_viewed(
        user=_user(request),
        municipality_code=resident.municipality_id,
        view="resident-own",
        data={"records": len(records)},
    )
    return render(
        request,
        "vaccinations/mine.html",
        {
            "resident": resident,
            "records": [(r, PRODUCTS[r.product]) for r in records],
            "certificates": selectors.certificates_for(resident=resident)[:5],
            "form": form,
            "remaining": remaining,
        },
        status=400 if form.errors else 200,
    )


def _certificate_or_404(resident: Resident, public_id: uuid.UUID) -> Any:
    certificate = selectors.certificate_for(resident=resident, public_id=public_id)
    if certificate is None:
        raise Http404
    return certificate


@require_GET
@with_resident
def certificate(request: HttpRequest, resident: Resident, public_id: uuid.UUID) -> HttpResponse:
    cert = _certificate_or_404(resident, public_id)
    services.certificate_viewed(
        certificate=cert, user=_user(request), view="page", ip_address=_ip(request)
    )
    return render(
        request,
        "vaccinations/certificate.html",
        {
            "certificate": cert,
            "resident": resident,
            "records": [(r, PRODUCTS[r.product]) for r in cert.records.order_by("dose_number")],
            "shc": shc.to_numeric(cert.jws),
        },
    )


@require_GET
@with_resident
def certificate_qr(request: HttpRequest, resident: Resident, public_id: uuid.UUID) -> HttpResponse:
    cert = _certificate_or_404(resident, public_id)
    response = HttpResponse(shc.qr_svg(cert.jws), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@with_resident
def certificate_pdf(request: HttpRequest, resident: Resident, public_id: uuid.UUID) -> HttpResponse:
    cert = _certificate_or_404(resident, public_id)
    services.certificate_viewed(
        certificate=cert, user=_user(request), view="pdf", ip_address=_ip(request)
    )
    response = HttpResponse(pdf.certificate_pdf(certificate=cert), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vaccination-{cert.public_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public --------------------------------------------------------------------------------------


def _problem_text(problem: str) -> str:
    texts = {
        "format": _("This is not a SMART Health Card (shc:/…)."),
        "image": _("The file could not be read as an image."),
        "no-qr": _("No SMART Health Card QR code was found in the image."),
        "issuer": _("The card was not issued by a municipality this platform knows."),
        "header": _("The card's header is not that of a SMART Health Card."),
        "kid": _("The issuer has no key with which this card was signed."),
        "signature": _("The signature does not match: the card was changed or forged."),
        "payload": _("The card's contents are not a vaccination record."),
        "not-yet-valid": _("The card is not valid yet."),
    }
    return texts.get(problem, problem)


def _doses(result: shc.Verification | None) -> list[tuple[str, str, str]]:
    if result is None or not result.valid:
        return []
    names = {p.cvx: p.name for p in PRODUCTS.values()}
    doses = []
    for entry in result.immunizations:
        codes = [c.get("code", "") for c in entry.get("vaccineCode", {}).get("coding", [])]
        vaccine = "、".join(names.get(code, f"CVX {code}") for code in codes)
        doses.append(
            (str(entry.get("occurrenceDateTime", "")), vaccine, str(entry.get("lotNumber", "")))
        )
    return doses


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        image = form.cleaned_data.get("image")
        if image:
            result = verify.verify_image(image.read())
        else:
            result = verify.verify_text(form.cleaned_data["text"])
        if not result.valid:
            field = "image" if image else "text"
            form.add_error(field, _problem_text(result.problem))
    return render(
        request,
        "vaccinations/verify.html",
        {"form": form, "result": result, "doses": _doses(result)},
        status=400 if form.errors else 200,
    )


@require_GET
def jwks(request: HttpRequest, municipality_code: str) -> JsonResponse:
    keys = selectors.jwks_for(municipality_code=municipality_code)
    if not keys["keys"]:
        raise Http404
    response = JsonResponse(keys)
    # SMART Health Cards: verifiers in browsers fetch the JWKS from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
