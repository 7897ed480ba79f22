"""Writes to applications: the one home for every change of an application.

Invariants:
- an application's answers are validated by madoguchi.forms (the single source of truth) against
  the form version the application is pinned to;
- a submission is accepted only with a VALID signature by the applicant's own certificate when
  the form requires one, and the evidence is stored either way;
- submitting is idempotent: a double click, a back button or a retry returns the same receipt;
- every status change is recorded in the history, the audit log and the outbox in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.applications import scanning
from madoguchi.applications.dedupe import dedupe_key_for
from madoguchi.applications.models import (
    TRANSITIONS,
    Application,
    Attachment,
    OutboxMessage,
    StatusChange,
)
from madoguchi.applications.parties import Parties, parties_from_answers
from madoguchi.applications.proxies import DECLARING_ITEMS, POWER_OF_ATTORNEY_ITEMS, proxy_check
from madoguchi.applications.receipts import receipt_number_new
from madoguchi.applications.types import Channel, ScanStatus, Status
from madoguchi.audit.services import audit_record
from madoguchi.core.identifiers import identifier_digest
from madoguchi.core.scanning import ScanResult, Verdict
from madoguchi.forms import selectors as form_selectors
from madoguchi.forms.fieldtypes.files import file_answers
from madoguchi.forms.validation import FieldError, ValidationResult
from madoguchi.signatures.outcomes import Outcome, mismatch_message, outcome_message
from madoguchi.signatures.payload import signing_payload
from madoguchi.signatures.services import (
    ApplicantBinding,
    CheckedSignature,
    signature_check,
    signature_envelope_key,
    signature_evidence_store,
)

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.forms.models import FormVersion

Actor = AbstractBaseUser | AnonymousUser | None
EDITABLE = {Status.DRAFT, Status.RETURNED}


class ApplicationError(Exception):
    """A refusal with a Japanese message for the person who caused it."""

    code = "application_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotEditable(ApplicationError):
    code = "not_editable"


class InvalidAnswers(ApplicationError):
    code = "invalid_answers"

    def __init__(self, result: ValidationResult) -> None:
        super().__init__(_("Some answers are missing or wrong. Correct them and try again."))
        self.result = result


class SignatureMissing(ApplicationError):
    code = "signature_required"


class SignatureRejected(ApplicationError):
    code = "signature_rejected"

    def __init__(
        self, message: str, outcome: str, mismatch: str = "", mismatched: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.outcome = outcome
        # For SIGNER_MISMATCH: "holder" (another person's card) or "applicant" (the answers
        # name someone else than the card's holder), and the fields that differ.
        self.mismatch = mismatch
        self.mismatched = mismatched
        self.signer_source = ""  # the block naming the signer in the answers (applicant, …)


class AttachmentInfected(ApplicationError):
    """A scanner found a virus in an upload: it was not kept (applications.scanning)."""

    code = "attachment_infected"

    def __init__(self, message: str, item_path: str) -> None:
        super().__init__(message)
        self.item_path = item_path


class TransitionNotAllowed(ApplicationError):
    code = "transition_not_allowed"


class DuplicateApplication(ApplicationError):
    """The offering allows one application per resident (or household) and one exists."""

    code = "duplicate_application"

    def __init__(self, existing: Application) -> None:
        super().__init__(
            _(
                "You have already applied for this procedure (receipt number %(receipt)s). "
                "Check its status in My page instead of applying again."
            )
            % {"receipt": existing.receipt_display}
        )
        self.existing = existing


class SignatureReplayed(ApplicationError):
    """This signed envelope (the same CMS signature value) was already received once."""

    code = "signature_replayed"

    def __init__(self, existing: Application) -> None:
        super().__init__(
            _(
                "This signature was already used for the application with receipt number "
                "%(receipt)s. A signature counts once: sign again to apply again."
            )
            % {"receipt": existing.receipt_display}
        )
        self.existing = existing


def _conflict(*, dedupe_key: str | None, envelope_key: str | None) -> ApplicationError | None:
    """The refusal for an application whose dedupe key or signed envelope is already taken
    (one query for both). Where the one-per-resident rule applies it is the reason given (it
    tells the resident what to do); otherwise a taken envelope is a replay."""
    condition = Q()
    if dedupe_key:
        condition |= Q(dedupe_key=dedupe_key)
    if envelope_key:
        condition |= Q(signature_value_sha256=envelope_key)
    if not condition:
        return None
    found = list(Application.objects.filter(condition)[:2])
    for existing in found:
        if dedupe_key and existing.dedupe_key == dedupe_key:
            return DuplicateApplication(existing)
    return SignatureReplayed(found[0]) if found else None


def _label(actor: Actor) -> str:
    if actor is not None and actor.is_authenticated:
        return actor.get_username()
    return ""


def signature_required(*, application: Application) -> bool:
    return bool(application.form_version.definition.get("signature_required", True))


def application_draft_create(
    *,
    form_version: FormVersion,
    resident: Resident | None,
    user: AbstractBaseUser | None = None,
    channel: str = Channel.WEB,
    answers: Mapping[str, Any] | None = None,
    is_test: bool = False,
) -> Application:
    """A draft pinned to `form_version`. Not audited: a draft is the applicant's own working
    copy; its submission is audited. (Auditing here would also take the audit chain's lock at
    the start of a one-request API submission and hold it through signature verification.)"""
    return Application.objects.create(
        municipality_id=form_version.municipality_id,
        procedure_code=form_version.procedure_code,
        form_version=form_version,
        resident=resident,
        user=user,  # type: ignore[misc]
        channel=channel,
        raw_answers=dict(answers or {}),
        is_test=is_test,
    )


def application_answers_save(
    *, application: Application, answers: Mapping[str, Any], page_id: str | None = None
) -> ValidationResult:
    """Keep what was typed (always, valid or not: nothing is lost) and report the errors of
    `page_id` (or of the whole form)."""
    if application.status not in EDITABLE:
        raise NotEditable(_("This application can no longer be changed."))
    raw = {**application.raw_answers, **answers}
    application.raw_answers = raw
    if page_id:
        application.last_page = page_id
    application.save(update_fields=["raw_answers", "last_page", "updated_at"])
    result = form_selectors.form_validate(
        form_version=application.form_version,
        answers=raw,
        page_ids=[page_id] if page_id else None,
    )
    if page_id and result.is_valid:
        result.errors += _proxy_errors_on_page(application, result, page_id)
    return result


def _proxy_errors_on_page(
    application: Application, result: ValidationResult, page_id: str
) -> list[FieldError]:
    """The proxy check's refusals on the page that declares the proxy, so that a stranger
    learns at once, at the item, that they need a 委任状 (not only when signing)."""
    page = next(
        (p for p in application.form_version.definition["pages"] if p["id"] == page_id), None
    )
    codes = {item["code"] for item in page["items"]} if page else set()
    if not codes & {*DECLARING_ITEMS, *POWER_OF_ATTORNEY_ITEMS}:
        return []
    checked = proxy_check(
        answers=result.answers,
        signer=application.resident,
        municipality_code=application.municipality_id,
    )
    return [error for error in checked.errors if error.item in codes]


def _proxy_checked(
    *, answers: Mapping[str, Any], signer: Resident | None, municipality_code: str
) -> Resident | None:
    """The person concerned in the registry (None when not a proxy or not found); raises
    InvalidAnswers when the proxy may not apply for them (applications/proxies.py)."""
    checked = proxy_check(answers=answers, signer=signer, municipality_code=municipality_code)
    if not checked.is_valid:
        raise InvalidAnswers(ValidationResult(answers=dict(answers), errors=list(checked.errors)))
    return checked.subject_resident


def application_attachment_store(
    *, application: Application, item_path: str, upload: UploadedFile[bytes]
) -> dict[str, Any]:
    """Store the bytes of an uploaded file and return the metadata the answer holds."""
    if application.status not in EDITABLE:
        raise NotEditable(_("This application can no longer be changed."))
    scan = _scanned(application=application, item_path=item_path, upload=upload, actor=None)
    return _attachment_create(
        application=application, item_path=item_path, upload=upload, scan=scan
    )


def _scanned(
    *, application: Application, item_path: str, upload: UploadedFile[bytes], actor: Actor
) -> ScanResult:
    """The upload's virus scan; an infected one is reported and refused (AttachmentInfected)."""
    result = scanning.upload_scan(upload)
    if result.verdict == Verdict.INFECTED:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        scanning.infected_report(
            application=application,
            item_path=item_path,
            sha256=digest.hexdigest(),
            result=result,
            actor=actor,
        )
        raise AttachmentInfected(
            scanning.infected_message(name=str(upload.name), signature=result.signature),
            item_path,
        )
    return result


def _attachment_create(
    *,
    application: Application,
    item_path: str,
    upload: UploadedFile[bytes],
    scan: ScanResult,
) -> dict[str, Any]:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    metadata = {
        "name": str(upload.name),
        "content_type": str(upload.content_type or "application/octet-stream"),
        "size": int(upload.size or 0),
        "sha256": digest.hexdigest(),
    }
    upload.seek(0)
    with transaction.atomic():
        Attachment.objects.filter(application=application, item_path=item_path).delete()
        attachment = Attachment.objects.create(
            application=application,
            item_path=item_path,
            file=upload,
            **metadata,
            **scanning.scan_fields(scan),
        )
        if not scan.is_clean:
            scanning.rescan_schedule(attachment_id=attachment.pk, attempts=1)
    return metadata


def _validated(application: Application) -> ValidationResult:
    result = form_selectors.form_validate(
        form_version=application.form_version, answers=application.raw_answers
    )
    if not result.is_valid:
        raise InvalidAnswers(result)
    return result


def _my_number_digest(form_version: FormVersion, answers: Mapping[str, Any]) -> str:
    return identifier_digest(
        form_selectors.form_my_number_value(form_version=form_version, answers=answers)
    )


def applications_identifiers_reencrypt(*, chunk: int = 500) -> int:
    """Write every application's answers again under the newest key, with the 個人番号 hash under
    the current hash key (key rotation). Each row in its own short transaction, under its lock,
    so the platform keeps serving; returns the number of applications rewritten."""
    count = 0
    ids = Application.objects.order_by("pk").values_list("pk", flat=True)
    for pk in ids.iterator(chunk):
        with transaction.atomic():
            application = (
                Application.objects.select_for_update().select_related("form_version").get(pk=pk)
            )
            application.my_number_digest = (
                _my_number_digest(application.form_version, application.answers)
                if application.answers
                else ""
            )
            application.save(update_fields=["raw_answers", "answers", "my_number_digest"])
        count += 1
    return count


def _attachments_of(answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every file answer (at any depth) as {name, sha256}: what the payload commits to."""
    return [
        {"name": str(meta["name"]), "sha256": str(meta["sha256"])}
        for _path, meta in file_answers(answers)
    ]


def application_signing_payload(*, application: Application, signed_at: datetime.datetime) -> bytes:
    """The canonical bytes the applicant signs (docs/signing.md). Raises InvalidAnswers."""
    return signing_payload_for(application.form_version, _validated(application).answers, signed_at)


def signing_payload_for(
    form_version: FormVersion, answers: Mapping[str, Any], signed_at: datetime.datetime
) -> bytes:
    """The canonical bytes a signature over these normalised answers must cover (the one
    builder: the web journey, the API's preview and both submission paths use it)."""
    return signing_payload_of(
        procedure_code=form_version.procedure_code,
        municipality_code=form_version.municipality_id,
        form_version_hash=form_version.content_hash,
        answers=answers,
        signed_at=signed_at,
    )


def signing_payload_of(
    *,
    procedure_code: str,
    municipality_code: str,
    form_version_hash: str,
    answers: Mapping[str, Any],
    signed_at: datetime.datetime,
) -> bytes:
    """signing_payload_for without a stored form version (the generated docs example)."""
    return signing_payload(
        procedure_code=procedure_code,
        municipality_code=municipality_code,
        form_version_hash=form_version_hash,
        answers=answers,
        attachments=_attachments_of(answers),
        signed_at=signed_at,
    )


def _signature_checked(
    *,
    form_version: FormVersion,
    resident: Resident | None,
    answers: Mapping[str, Any],
    cms_der: bytes | None,
    signed_at: datetime.datetime | None,
    actor: Actor,
    object_id: str,
) -> tuple[CheckedSignature | None, bytes]:
    """Verify the applicant's signature over the normalised answers (when the form requires
    one), writing nothing when it is valid: its evidence is stored with the application. A
    refused signature's evidence is stored and audited at once, in its own transaction, and
    SignatureRejected raised. Raises SignatureMissing without a signature."""
    if not form_version.definition.get("signature_required", True):
        return None, b""
    if not cms_der or signed_at is None:
        raise SignatureMissing(_("This procedure needs your My Number Card signature."))
    payload = signing_payload_for(form_version, answers, signed_at)
    parties = parties_from_answers(answers)
    checked = signature_check(
        payload=payload,
        cms_der=cms_der,
        expected_resident=resident,
        applicant=ApplicantBinding(person=parties.signer.facts()) if parties else None,
    )
    if checked.outcome != Outcome.VALID:
        with transaction.atomic():
            signature_evidence_store(checked=checked)
            audit_record(
                action="application.signature_rejected",
                actor=actor,
                municipality_code=form_version.municipality_id,
                object_type="application",
                object_id=object_id,
                data=(
                    {
                        "outcome": checked.outcome,
                        "mismatch": checked.mismatch,
                        "fields": list(checked.mismatched),
                    }
                    if checked.mismatch
                    else {"outcome": checked.outcome}
                ),
            )
        message = (
            mismatch_message(checked.mismatch, checked.mismatched)
            if checked.outcome == Outcome.SIGNER_MISMATCH
            else outcome_message(Outcome(checked.outcome))
        )
        rejected = SignatureRejected(
            message, checked.outcome, mismatch=checked.mismatch, mismatched=checked.mismatched
        )
        rejected.signer_source = parties.signer.source if parties else ""
        raise rejected
    return checked, payload


def _parties_json(answers: Mapping[str, Any]) -> dict[str, Any]:
    parties: Parties | None = parties_from_answers(answers)
    return parties.to_json() if parties is not None else {}


def application_attachments_check(*, application: Application) -> None:
    """Raise AttachmentInfected when a later scan (the scanner was down at upload) found a
    virus in one of the application's files: the resident replaces it before signing."""
    infected = application.attachments.filter(scan_status=ScanStatus.INFECTED).first()
    if infected is not None:
        raise AttachmentInfected(
            _("A virus was found in “%(name)s”. Attach another file and submit again.")
            % {"name": infected.name},
            infected.item_path,
        )


def application_submit(
    *,
    application: Application,
    actor: Actor = None,
    cms_der: bytes | None = None,
    signed_at: datetime.datetime | None = None,
) -> Application:
    """Validate, verify the signature, and receive the application under a receipt number.

    Safe to call again for an application already received: the same application comes back
    unchanged (a double click or a retry never creates a second receipt).
    """
    if application.status not in EDITABLE:
        if application.receipt_number:
            return application
        raise NotEditable(_("This application can no longer be submitted."))
    application_attachments_check(application=application)
    result = _validated(application)
    subject_resident = _proxy_checked(
        answers=result.answers,
        signer=application.resident,
        municipality_code=application.municipality_id,
    )
    dedupe_key = (
        dedupe_key_for(
            municipality_code=application.municipality_id,
            procedure_code=application.procedure_code,
            # One application per person concerned: a proxy's counts for the one it is for.
            resident=subject_resident or application.resident,
        )
        if not application.dedupe_key
        else None
    )
    envelope_key = signature_envelope_key(cms_der=cms_der) if cms_der else None
    if (conflict := _conflict(dedupe_key=dedupe_key, envelope_key=envelope_key)) is not None:
        raise conflict
    # Verified before the transaction: verification may fetch a CRL, and on SQLite a write
    # transaction holds the database's only write lock.
    checked, payload = _signature_checked(
        form_version=application.form_version,
        resident=application.resident,
        answers=result.answers,
        cms_der=cms_der,
        signed_at=signed_at,
        actor=actor,
        object_id=str(application.public_id),
    )

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            return locked  # a concurrent submit won; return its result
        previous = locked.status
        locked.answers = result.answers
        locked.my_number_digest = _my_number_digest(locked.form_version, result.answers)
        locked.parties = _parties_json(result.answers)
        locked.subject_resident = subject_resident
        locked.status = Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.signed_at = signed_at
        locked.signature_evidence = (
            signature_evidence_store(checked=checked) if checked is not None else None
        )
        locked.payload_sha256 = hashlib.sha256(payload).hexdigest() if payload else ""
        locked.signature_value_sha256 = checked.envelope_key if checked is not None else None
        if dedupe_key:
            locked.dedupe_key = dedupe_key
        _save_with_receipt(locked, dedupe_key)
        _record_change(locked, previous, Status.SUBMITTED, actor, "")
    return locked


@dataclass(frozen=True)
class Receivable:
    """A complete application that passed every check and is ready to be stored
    (application_receive_prepare → application_receive)."""

    application: Application  # not saved yet
    checked: CheckedSignature | None
    dedupe_key: str | None
    # The virus scan of each file sent with it, by answer path (files_scan).
    scans: dict[str, ScanResult] = field(default_factory=dict)


def application_receive_prepare(
    *,
    form_version: FormVersion,
    resident: Resident | None,
    answers: Mapping[str, Any],
    cms_der: bytes | None,
    signed_at: datetime.datetime | None,
    channel: str,
    is_test: bool = False,
    actor: Actor = None,
) -> Receivable:
    """The checks of a one-request submission, none of which writes: validation, the
    one-application-per-resident rule, the signature. Call it OUTSIDE the write transaction
    (the CPU work would otherwise hold SQLite's write lock, and PostgreSQL's row and audit
    locks, for milliseconds). Raises InvalidAnswers, DuplicateApplication, SignatureMissing or
    SignatureRejected (whose evidence is stored at once)."""
    result = form_selectors.form_validate(form_version=form_version, answers=answers)
    if not result.is_valid:
        raise InvalidAnswers(result)
    subject_resident = _proxy_checked(
        answers=result.answers,
        signer=resident,
        municipality_code=form_version.municipality_id,
    )
    dedupe_key = dedupe_key_for(
        municipality_code=form_version.municipality_id,
        procedure_code=form_version.procedure_code,
        resident=subject_resident or resident,
    )
    # Only offerings with a one-per-resident rule pay for a look-up here (it also names a
    # replayed envelope); elsewhere the unique constraint on the envelope decides at insert.
    if dedupe_key and (
        conflict := _conflict(
            dedupe_key=dedupe_key,
            envelope_key=signature_envelope_key(cms_der=cms_der) if cms_der else None,
        )
    ):
        raise conflict
    application = Application(
        municipality_id=form_version.municipality_id,
        procedure_code=form_version.procedure_code,
        form_version=form_version,
        resident=resident,
        channel=channel,
        is_test=is_test,
        raw_answers=dict(answers),
        answers=result.answers,
        my_number_digest=_my_number_digest(form_version, result.answers),
        parties=_parties_json(result.answers),
        subject_resident=subject_resident,
        signed_at=signed_at,
        dedupe_key=dedupe_key,
        status=Status.SUBMITTED,
    )
    checked, payload = _signature_checked(
        form_version=form_version,
        resident=resident,
        answers=result.answers,
        cms_der=cms_der,
        signed_at=signed_at,
        actor=actor,
        object_id=str(application.public_id),
    )
    application.payload_sha256 = hashlib.sha256(payload).hexdigest() if payload else ""
    application.signature_value_sha256 = checked.envelope_key if checked is not None else None
    return Receivable(application=application, checked=checked, dedupe_key=dedupe_key)


def application_receive(
    *,
    receivable: Receivable,
    actor: Actor = None,
    files: Mapping[str, UploadedFile[bytes]] | None = None,
) -> Application:
    """Store a prepared application, already received: evidence, application (one insert, no
    draft row), files, history, outbox, audit — atomically (inside the caller's transaction
    when there is one). `files` maps the path of each file answer to its bytes, already
    checked against the answers' sha256 and size. Raises DuplicateApplication when a
    concurrent submission for the same resident or household won."""
    application = receivable.application
    with transaction.atomic(savepoint=False):
        if receivable.checked is not None:
            application.signature_evidence = signature_evidence_store(checked=receivable.checked)
        application.submitted_at = timezone.now()
        _save_with_receipt(application, receivable.dedupe_key)
        for path, upload in (files or {}).items():
            scan = receivable.scans.get(path) or scanning.upload_scan(upload)
            _attachment_create(application=application, item_path=path, upload=upload, scan=scan)
        _record_change(application, Status.DRAFT, Status.SUBMITTED, actor, "")
    return application


def application_files_scan(
    *,
    receivable: Receivable,
    files: Mapping[str, UploadedFile[bytes]],
    actor: Actor = None,
) -> None:
    """Scan the files of a one-request submission BEFORE its write transaction (a scan takes
    time, and the finding must be audited even though nothing else is stored). Raises
    AttachmentInfected (reported already) for the first infected file."""
    for path, upload in files.items():
        receivable.scans[path] = _scanned(
            application=receivable.application, item_path=path, upload=upload, actor=actor
        )


def _save_with_receipt(application: Application, dedupe_key: str | None) -> None:
    """Save under a new receipt number (when it has none yet). A receipt number that is already
    taken (30^8 numbers: rare, but possible) is drawn again; a dedupe key that is taken means a
    concurrent submission for the same resident or household won: DuplicateApplication; a
    signature value that is taken means the envelope was received before: SignatureReplayed."""
    give_number = not application.receipt_number
    for _attempt in range(5):
        if give_number:
            application.receipt_number = receipt_number_new()
        try:
            with transaction.atomic():
                application.save()
            return
        except IntegrityError:
            conflict = _conflict(
                dedupe_key=dedupe_key, envelope_key=application.signature_value_sha256
            )
            if conflict is not None:
                raise conflict from None
            if not give_number or not _receipt_taken(application.receipt_number):
                raise
    raise IntegrityError("could not allocate a unique receipt number")


def _receipt_taken(receipt_number: str | None) -> bool:
    return Application.objects.filter(receipt_number=receipt_number).exists()


def _record_change(
    application: Application, from_status: str, to_status: str, actor: Actor, message: str
) -> StatusChange:
    change = StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        actor_label=_label(actor),
        message=message,
    )
    OutboxMessage.objects.create(
        topic=f"application.{to_status}",
        application=application,
        payload={
            "receipt_number": application.receipt_number,
            "municipality_code": application.municipality_id,
            "procedure_code": application.procedure_code,
            "status": to_status,
            "previous_status": from_status,
            "at": change.at.isoformat(),
        },
    )
    audit_record(
        action=f"application.{to_status}",
        actor=actor,
        municipality_code=application.municipality_id,
        object_type="application",
        object_id=application.receipt_number or str(application.public_id),
        data={"from": from_status, "to": to_status},
    )
    from madoguchi.applications.tasks import notify_status_change

    # Enqueued in the same transaction (the task queue is a table of this database): the
    # notification exists exactly when the change does, even if the process dies right after
    # the commit, and it costs no second commit. Nothing is queued when there is surely no one
    # to tell (the task checks again when it runs).
    if _may_notify(application):
        notify_status_change.enqueue(change_id=change.pk)
    return change


def _may_notify(application: Application) -> bool:
    if application.is_test or application.resident_id is None:
        return False
    if Application.resident.is_cached(application):
        return bool(application.resident and application.resident.email)
    return True  # not loaded: let the task look


@transaction.atomic
def application_status_change(
    *, application: Application, to_status: str, actor: Actor, message: str = ""
) -> Application:
    """Move an application along the workflow (受付 → 審査中 → 完了／却下, 差戻し…)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to_status not in TRANSITIONS.get(locked.status, set()):
        raise TransitionNotAllowed(
            _("An application that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(locked.status).label, "to": Status(to_status).label}
        )
    if to_status == Status.RETURNED and not message.strip():
        raise ApplicationError(_("Tell the applicant what to correct."))
    previous = locked.status
    locked.status = to_status
    if to_status == Status.WITHDRAWN:
        locked.dedupe_key = None  # a withdrawn application does not block a new one
    locked.save(update_fields=["status", "dedupe_key", "updated_at"])
    _record_change(locked, previous, to_status, actor, message)
    return locked


def application_withdraw(*, application: Application, actor: Actor) -> Application:
    """The applicant withdraws before processing starts."""
    if application.status not in {Status.SUBMITTED, Status.RETURNED}:
        raise TransitionNotAllowed(
            _("This application can no longer be withdrawn: processing has started.")
        )
    return application_status_change(
        application=application, to_status=Status.WITHDRAWN, actor=actor
    )


def application_draft_discard(*, application: Application, actor: AbstractBaseUser) -> None:
    """Delete a draft the applicant no longer wants, with its uploaded files.

    Only drafts: a received application is withdrawn, never deleted.
    """
    if application.status != Status.DRAFT:
        raise NotEditable(_("Only a draft can be deleted."))
    files = [attachment.file for attachment in application.attachments.all()]
    with transaction.atomic():
        audit_record(
            action="application.draft_deleted",
            actor=actor,
            municipality_code=application.municipality_id,
            object_type="application",
            object_id=str(application.public_id),
            data={"procedure": application.procedure_code},
        )
        application.delete()
        # The bytes go only once the rows are gone for good.
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: list[Any]) -> None:
    for stored in files:
        stored.delete(save=False)


# --- at the municipal counter (docs/proxies.md) -----------------------------------------------


def application_counter_start(
    *,
    form_version: FormVersion,
    resident: Resident,
    staff: AbstractBaseUser,
    answers: Mapping[str, Any] | None = None,
) -> Application:
    """A draft that `staff` enters at the counter with `resident`, who is present (channel
    "counter"). It is the resident's own application — their My page lists it, and only their
    card can sign it — and it names who assisted. Audited: staff open a resident's application."""
    with transaction.atomic():
        draft = application_draft_create(
            form_version=form_version,
            resident=resident,
            user=resident.user,
            channel=Channel.COUNTER,
            answers=answers,
        )
        draft.assisted_by = staff  # type: ignore[assignment]
        draft.save(update_fields=["assisted_by"])
        audit_record(
            action="application.counter_started",
            actor=staff,
            municipality_code=form_version.municipality_id,
            object_type="application",
            object_id=str(draft.public_id),
            data={"procedure": form_version.procedure_code, "resident": resident.pk},
        )
    return draft


def application_paper_register(
    *,
    application: Application,
    actor: AbstractBaseUser,
    received_on: datetime.date,
    scan: UploadedFile[bytes] | None = None,
) -> Application:
    """Receive a paper application that staff keyed in at the counter (channel "counter"), so
    that every application lives in one place. Validated like any other (the form, the proxy
    check, the one-per-resident rule) and received under a receipt number, with no electronic
    signature: the paper, signed by hand, is the original, and its scan is kept with it.
    Idempotent like application_submit."""
    if application.channel != Channel.COUNTER or application.assisted_by_id is None:
        raise NotEditable(_("Only an application entered at the counter can be registered."))
    if application.status not in EDITABLE:
        if application.receipt_number:
            return application
        raise NotEditable(_("This application can no longer be submitted."))
    result = _validated(application)
    subject_resident = _proxy_checked(
        answers=result.answers,
        signer=application.resident,
        municipality_code=application.municipality_id,
    )
    dedupe_key = dedupe_key_for(
        municipality_code=application.municipality_id,
        procedure_code=application.procedure_code,
        resident=subject_resident or application.resident,
    )
    if (conflict := _conflict(dedupe_key=dedupe_key, envelope_key=None)) is not None:
        raise conflict
    # Scanned like any upload before anything is written: an infected scan is refused
    # (AttachmentInfected, at the scan's field), one that cannot be checked yet is quarantined.
    verdict = (
        _scanned(application=application, item_path=PAPER_SCAN_ITEM, upload=scan, actor=actor)
        if scan is not None
        else None
    )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            return locked
        if scan is not None and verdict is not None:
            _attachment_create(
                application=locked, item_path=PAPER_SCAN_ITEM, upload=scan, scan=verdict
            )
        previous = locked.status
        locked.answers = result.answers
        locked.my_number_digest = _my_number_digest(locked.form_version, result.answers)
        locked.parties = _parties_json(result.answers)
        locked.subject_resident = subject_resident
        locked.status = Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.dedupe_key = dedupe_key
        _save_with_receipt(locked, dedupe_key)
        _record_change(
            locked,
            previous,
            Status.SUBMITTED,
            actor,
            _("Paper application received at the counter on %(date)s.")
            % {"date": received_on.isoformat()},
        )
    return locked


# The attachment path of a paper application's scan (no form item has a leading underscore).
PAPER_SCAN_ITEM = "_paper.scan"
