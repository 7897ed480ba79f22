"""Writes of the resident application flow. Each builds on madoguchi.applications' services
(the one home of an application's state) and adds what the web flow needs: the prefill from the
login, uploads checked before they are kept, and signing with the card before submitting."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.accounts import services as account_services
from madoguchi.applications import arrivals
from madoguchi.applications import selectors as application_selectors
from madoguchi.applications import services as application_services
from madoguchi.applications.types import Status
from madoguchi.audit.services import audit_record
from madoguchi.forms import selectors as form_selectors
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.rendering import raw_answers_from_post
from madoguchi.forms.validation import FieldError, ValidationResult
from madoguchi.signatures import services as signature_services

from . import linkage, public_funds
from .prefill import prefill_answers
from .uploads import upload_check

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User
    from madoguchi.applications.models import Application, Arrival
    from madoguchi.forms.language import Item, Page
    from madoguchi.forms.models import FormVersion
    from madoguchi.signin.claims import ResidentClaims


def apply_draft_start(
    *,
    form_version: FormVersion,
    resident: Resident,
    user: AbstractBaseUser,
    claims: ResidentClaims | None,
) -> tuple[Application, bool]:
    """The resident's draft for this form version: the existing one (a second click on "start",
    another device) or a new one prefilled from the login's claims. Returns (draft, created)."""
    with transaction.atomic():
        # Lock the resident row so two "start" clicks at once cannot make two drafts.
        account_services.resident_lock(resident=resident)
        existing = (
            application_selectors.applications_for_resident(resident=resident)
            .filter(form_version=form_version, status=Status.DRAFT)
            .first()
        )
        if existing is not None:
            return existing, False
        draft = application_services.application_draft_create(
            form_version=form_version,
            resident=resident,
            user=user,
            answers=prefill_answers(definition=form_version.definition, claims=claims),
        )
        return draft, True


@dataclass
class PageSave:
    """What saving one page gave: the page's validation (upload problems included) and whether
    the resident only added or removed a group entry (then the page is shown again)."""

    result: ValidationResult
    entries_changed: bool
    upload_errors: list[FieldError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.result.is_valid


def _keep_files(
    items: list[Item],
    new: dict[str, Any],
    old: Mapping[str, Any],
    *,
    prefix: str,
    files: Any,
    application: Application,
    errors: list[FieldError],
) -> None:
    """Replace the file answers the POST read (metadata of an unchecked upload, or None when
    nothing was chosen) with what is really kept: a checked, stored upload, or the file kept
    before. A refused upload never replaces a good file."""
    for item in items:
        field_type = registry.get(item["type"])
        if field_type is None:
            continue
        name = f"{prefix}{item['code']}"
        if field_type.is_group:
            entries = new.get(item["code"])
            old_entries = old.get(item["code"])
            if not isinstance(entries, list):
                continue
            for index, entry in enumerate(entries):
                previous = (
                    old_entries[index]
                    if isinstance(old_entries, list)
                    and index < len(old_entries)
                    and isinstance(old_entries[index], Mapping)
                    else {}
                )
                _keep_files(
                    item.get("items", []),
                    entry,
                    previous,
                    prefix=f"{name}[{index}].",
                    files=files,
                    application=application,
                    errors=errors,
                )
            continue
        if field_type.key != "file" or item["code"] not in new:
            continue
        upload = files.get(name) if files is not None else None
        new[item["code"]] = old.get(item["code"])
        if upload is None:
            continue
        problem = upload_check(item=item, upload=upload)
        if problem is not None:
            errors.append(
                FieldError(path=name, item=item["code"], code=problem.code, message=problem.message)
            )
            continue
        try:
            new[item["code"]] = application_services.application_attachment_store(
                application=application, item_path=name, upload=upload
            )
        except application_services.AttachmentInfected as infected:
            errors.append(
                FieldError(
                    path=name, item=item["code"], code=infected.code, message=infected.message
                )
            )


def apply_page_save(
    *, application: Application, page: Page, data: Any, files: Any = None
) -> PageSave:
    """Keep what the resident typed on `page` (valid or not) and any files that pass the
    checks; report the page's errors. Raises NotEditable for a received application."""
    definition = application.form_version.definition
    data = linkage.entry_actions_check(application=application, data=data)
    raw, changed = raw_answers_from_post(
        definition=definition, data=data, files=files, page_ids=[page["id"]]
    )
    if changed:
        linkage.entry_removed(application=application, data=data)
    linkage.locked_restore(
        application=application, raw=raw, item_codes={item["code"] for item in page["items"]}
    )
    # What could not be kept: a refused upload, a 公金受取口座 no longer registered.
    upload_errors = public_funds.choices_apply(
        application=application, page_items=page["items"], raw=raw
    )
    _keep_files(
        page["items"],
        raw,
        application.raw_answers,
        prefix="",
        files=files,
        application=application,
        errors=upload_errors,
    )
    result = application_services.application_answers_save(
        application=application, answers=raw, page_id=page["id"]
    )
    if upload_errors:
        # The upload's own message says more than the validator's "attach …" for the same field.
        refused = {error.path for error in upload_errors}
        result.errors = upload_errors + [e for e in result.errors if e.path not in refused]
    return PageSave(result=result, entries_changed=changed, upload_errors=upload_errors)


def apply_sign_and_arrive(
    *, application: Application, resident: Resident, user: AbstractBaseUser, pin: str
) -> Arrival | None:
    """Sign the canonical payload with the resident's card and record the signed application
    as arrived (到達): one insert; a worker examines it and gives the 受付番号
    (madoguchi.applications.arrivals). Returns the arrival — the one still waiting when the
    draft was signed before (a double click signs nothing again) — or None for an application
    already received.

    Raises the signer's errors (PinFormatError, PinIncorrect, PinLocked, NoCard),
    AttachmentInfected (a later scan found a virus in a file) and InvalidAnswers (the payload is
    built from valid answers only).
    """
    if application.status not in application_services.EDITABLE and application.receipt_number:
        return None
    pending = arrivals.arrival_pending_for_draft(draft=application)
    if pending is not None:
        return pending
    # Cheap and the resident's to fix at once (at the file's item), so before the arrival.
    application_services.application_attachments_check(application=application)
    public_funds_check(application=application)
    signed_at = timezone.now().replace(microsecond=0)
    payload = application_services.application_signing_payload(
        application=application, signed_at=signed_at
    )
    cms_der = signature_services.signature_sign(resident=resident, payload=payload, pin=pin)
    return arrivals.arrival_create(
        kind=arrivals.WEB_SIGNED,
        form_version=application.form_version,
        envelope={
            "signed_at": signed_at.isoformat(),
            "signature": base64.b64encode(cms_der).decode("ascii"),
        },
        draft=application,
        user=cast("User", user),
    )


def apply_submit_unsigned(*, application: Application, user: AbstractBaseUser) -> Arrival | None:
    """Send a procedure that needs no signature: arrival first, like a signed one (ADR 0011,
    one contract) — what the resident must fix at once is checked here (SignatureMissing if it
    needs a signature, AttachmentInfected, InvalidAnswers), then one insert; a worker receives
    it. None when it was received already; the waiting arrival when sent twice."""
    if application.status not in application_services.EDITABLE and application.receipt_number:
        return None
    pending = arrivals.arrival_pending_for_draft(draft=application)
    if pending is not None:
        return pending
    if application_services.signature_required(application=application):
        raise application_services.SignatureMissing(
            _("This procedure needs your My Number Card signature.")
        )
    application_services.application_attachments_check(application=application)
    checked = form_selectors.form_validate(
        form_version=application.form_version, answers=application.raw_answers
    )
    if not checked.is_valid:
        raise application_services.InvalidAnswers(checked)
    public_funds_check(application=application, checked=checked)
    return arrivals.arrival_create(
        kind=arrivals.WEB_UNSIGNED,
        form_version=application.form_version,
        envelope={},
        draft=application,
        user=cast("User", user),
    )


def public_funds_check(
    *, application: Application, checked: ValidationResult | None = None
) -> ValidationResult:
    """The answers, with an error at each item whose 公金受取口座 snapshot no longer matches the
    account (changed or removed since it was chosen). Raises InvalidAnswers when there is one:
    nothing is signed or sent, the draft keeps every answer, the check page shows the error."""
    if checked is None:
        checked = form_selectors.form_validate(
            form_version=application.form_version, answers=application.raw_answers
        )
    stale = public_funds.stale_errors(
        application=application,
        definition=application.form_version.definition,
        answers=checked.answers,
    )
    if stale:
        checked.errors += stale
        raise application_services.InvalidAnswers(checked)
    return checked


def apply_view_audit(
    *, application: Application, actor: AbstractBaseUser, view: str, ip_address: str | None
) -> None:
    """Record that the applicant looked at the personal data of an application (a summary,
    the receipt, the PDF copy, the history)."""
    audit_record(
        action="application.viewed",
        actor=actor,
        municipality_code=application.municipality_id,
        object_type="application",
        object_id=application.receipt_number or str(application.public_id),
        ip_address=ip_address,
        data={"view": view},
    )
