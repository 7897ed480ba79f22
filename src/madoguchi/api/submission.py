"""Applications through the API, built on madoguchi.applications.services.

The one-request submission (answers + CMS signature together) runs inside the caller's
transaction: it either receives the application under a receipt number, or leaves nothing
behind. Its hot path avoids repeated work: form versions (immutable) and the certificate →
resident link are cached per process.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.api import conf
from madoguchi.api.models import ApiApplication
from madoguchi.api.problems import ApiProblem, field_error
from madoguchi.applications import selectors as application_selectors
from madoguchi.applications import services as application_services
from madoguchi.applications.parties import parties_from_answers
from madoguchi.applications.types import Channel
from madoguchi.core.ttlcache import TtlCache
from madoguchi.forms import selectors as form_selectors
from madoguchi.forms.fieldtypes.files import file_answers
from madoguchi.signatures import selectors as signature_selectors
from madoguchi.signatures import services as signature_services
from madoguchi.signatures.outcomes import Outcome, outcome_message
from madoguchi.signatures.verification import signer_certificate

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.api.keys import Credential
    from madoguchi.applications.models import Application
    from madoguchi.forms.models import FormVersion

# --- Form versions ------------------------------------------------------------------------------

# Published versions never change, so an id → version entry may live as long as the process
# (bounded in number); "the newest published version" of a procedure is reused for 30 s.
_versions: TtlCache[str, FormVersion] = TtlCache(ttl=float("inf"), max_entries=5_000)
_newest: TtlCache[tuple[str, str], str] = TtlCache(ttl=30.0)


def form_version_resolve(
    *,
    credential: Credential,
    municipality_code: str | None,
    procedure_code: str | None,
    form_version_id: str | None,
) -> FormVersion:
    """The form version a request names, checked against the key's reach. Raises ApiProblem."""
    version: FormVersion | None = None
    if form_version_id:
        version = _versions.get(str(form_version_id))
        if version is None:
            version = form_selectors.form_version_get(form_version_id=form_version_id)
            if version is not None:
                _versions.put(str(version.pk), version)
        if version is None:
            raise field_problem("form_version_id", str(form_selectors.FORM_VERSION_NOT_FOUND))
        if municipality_code and version.municipality_id != municipality_code:
            raise field_problem(
                "municipality_code", _("This form version belongs to another municipality.")
            )
        if procedure_code and version.procedure_code != procedure_code:
            raise field_problem("procedure_code", _("This form version is for another procedure."))
    elif municipality_code and procedure_code:
        key = (municipality_code, procedure_code)
        newest_id = _newest.get(key)
        if newest_id is not None:
            version = _versions.get(newest_id)
        if version is None:
            version = form_selectors.published_form_version_for(
                municipality_code=municipality_code, procedure_code=procedure_code
            )
            if version is None:
                raise field_problem(
                    "procedure_code",
                    _("This municipality does not accept this procedure online."),
                )
            _versions.put(str(version.pk), version)
            _newest.put(key, str(version.pk))
    else:
        raise field_problem(
            "form_version_id",
            _("Give form_version_id, or municipality_code and procedure_code."),
        )
    municipality_check(credential=credential, municipality_code=version.municipality_id)
    return version


def form_cache_clear() -> None:
    _versions.clear()
    _newest.clear()


def municipality_check(*, credential: Credential, municipality_code: str) -> None:
    if credential.is_test and municipality_code not in conf.test_municipalities():
        raise ApiProblem(
            status_code=403,
            code="test_key_municipality",
            title=_("A test key can only apply to the demo municipalities."),
            detail=_("Use a live key for this municipality, or a demo municipality: %(codes)s.")
            % {"codes": ", ".join(sorted(conf.test_municipalities()))},
        )


def field_problem(name: str, message: str, status_code: int = 422) -> ApiProblem:
    return ApiProblem(
        status_code=status_code,
        code="validation_error",
        title=_("Your request has errors."),
        detail=_("Correct the fields listed in errors and try again."),
        errors=[field_error(field=name, message=message)],
    )


# --- 公金受取口座 ---------------------------------------------------------------------------------

PUBLIC_FUNDS_NOT_IN_API = "public_funds_not_in_api"


def _claims_public_funds(value: Any) -> bool:
    return isinstance(value, Mapping) and ("source" in value or "registered_at" in value)


def _public_funds_paths(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(path, item code) of every answer that claims the account, group entries included."""
    found = []
    for code, value in answers.items():
        if _claims_public_funds(value):
            found.append((code, code))
        elif isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, Mapping):
                    found += [
                        (f"{code}[{index}].{child}", child)
                        for child, inner in entry.items()
                        if _claims_public_funds(inner)
                    ]
    return found


def public_funds_refuse(answers: Mapping[str, Any]) -> None:
    """A portal cannot claim that an account answer is the resident's 公金受取口座 (`source`,
    `registered_at`): only Madoguchi's own pages take it from the register (ADR 0021). 422
    public_funds_not_in_api, one error per item; the account typed in is accepted."""
    paths = _public_funds_paths(answers)
    if not paths:
        return
    message = _(
        "An application sent through the API cannot use the public funds receipt account: "
        "send the account typed in, without source and registered_at."
    )
    raise ApiProblem(
        status_code=422,
        code=PUBLIC_FUNDS_NOT_IN_API,
        title=_("The public funds receipt account cannot be used through the API."),
        detail=message,
        errors=[
            {
                **field_error(
                    field=f"answers.{path}", message=message, code=PUBLIC_FUNDS_NOT_IN_API
                ),
                "item": item,
            }
            for path, item in paths
        ],
    )


# --- Errors of the applications app → problem documents ----------------------------------------


def problem_for(error: application_services.ApplicationError) -> ApiProblem:
    if isinstance(error, application_services.InvalidAnswers):
        return ApiProblem(
            status_code=422,
            code="invalid_answers",
            title=error.message,
            detail=_("Correct the answers listed in errors and try again."),
            errors=[
                {
                    **field_error(field=f"answers.{e.path}", message=e.message, code=e.code),
                    "item": e.item,
                }
                for e in error.result.errors
            ],
        )
    if isinstance(error, application_services.SignatureRejected):
        if error.outcome == Outcome.SIGNER_MISMATCH:
            return signer_mismatch_problem(error)
        return signature_problem(Outcome(error.outcome))
    if isinstance(error, application_services.AttachmentInfected):
        return ApiProblem(
            status_code=422,
            code=error.code,
            title=error.message,
            errors=[
                field_error(
                    field=f"files.{error.item_path}", message=error.message, code=error.code
                )
            ],
        )
    if isinstance(error, application_services.NotEditable):
        return ApiProblem(status_code=409, code=error.code, title=error.message)
    if isinstance(error, application_services.SignatureReplayed):
        return replay_problem(error.existing)
    if isinstance(error, application_services.DuplicateApplication):
        # 409 with the receipt the resident already holds: a portal can show it and link to
        # the status instead of retrying (the signature proved who the applicant is).
        existing = error.existing
        return ApiProblem(
            status_code=409,
            code=error.code,
            title=error.message,
            detail=_("This procedure accepts one application per resident or household."),
            existing_application=_existing_body(existing),
        )
    return ApiProblem(status_code=422, code=error.code, title=error.message)


def _existing_body(existing: Application) -> dict[str, Any]:
    return {
        "receipt_number": existing.receipt_number,
        "receipt_display": existing.receipt_display,
        "status": existing.status,
        "submitted_at": existing.submitted_at.isoformat() if existing.submitted_at else None,
    }


def replay_problem(existing: Application) -> ApiProblem:
    """409 for a signed envelope received before: names the first receipt, so a portal that
    lost the first answer can show it instead of retrying."""
    return ApiProblem(
        status_code=409,
        code="signature_replayed",
        title=application_services.SignatureReplayed(existing).message,
        detail=_(
            "A signed application is received once. The same signature sent again — with "
            "another Idempotency-Key, by another client or from another process — is refused."
        ),
        existing_application=_existing_body(existing),
    )


# A certificate's own state gets its own problem type (a portal tells the resident what to do:
# renew the card, wait, use another card); every other refusal is signature-rejected, with the
# precise reason in `outcome`.
_OUTCOME_PROBLEMS = {
    Outcome.EXPIRED: "certificate_expired",
    Outcome.NOT_YET_VALID: "certificate_not_yet_valid",
    Outcome.REVOKED: "certificate_revoked",
    Outcome.UNKNOWN_CA: "unknown_issuer",
}


def signer_mismatch_problem(error: application_services.SignatureRejected) -> ApiProblem:
    """422 signer-mismatch: a valid signature, but not by the applicant. `mismatch` says whose
    details differ from the certificate's: "applicant" (the signer named in the answers —
    errors point at those items) or "holder" (the resident the application is for)."""
    if error.mismatch == "applicant":
        errors = [
            field_error(
                field=f"answers.{error.signer_source}.{f}",
                message=error.message,
                code="signer_mismatch",
            )
            for f in error.mismatched
        ]
        detail = _(
            "Send the applicant's name, date of birth and address exactly as the certificate "
            "holder's, or declare a proxy (proxy.* or submitter.* items) and sign as the proxy."
        )
    else:
        errors = [field_error(field="signature", message=error.message, code="signer_mismatch")]
        detail = _("Sign with the certificate of the resident the application is for.")
    return ApiProblem(
        status_code=422,
        code="signer_mismatch",
        title=error.message,
        detail=detail,
        outcome=str(Outcome.SIGNER_MISMATCH),
        mismatch=error.mismatch,
        fields=list(error.mismatched),
        errors=errors,
    )


def signature_problem(outcome: Outcome, code: str | None = None) -> ApiProblem:
    return ApiProblem(
        status_code=422,
        code=code or _OUTCOME_PROBLEMS.get(outcome, "signature_rejected"),
        title=_("The signature was not accepted."),
        detail=outcome_message(outcome),
        outcome=str(outcome),
        errors=[
            field_error(field="signature", message=outcome_message(outcome), code=str(outcome))
        ],
    )


# --- Signed time ---------------------------------------------------------------------------------


def signed_at_check(
    signed_at: datetime.datetime,
    cms_der: bytes | None = None,
    at: datetime.datetime | None = None,
) -> datetime.datetime:
    """Refuse a signing time more than SIGNED_AT_CLOCK_SKEW ahead of ours or older than
    API_SIGNED_AT_MAX_AGE_HOURS, each with its own problem type; an envelope that was already
    received is named as a replay instead (looked up only here, on the refusal path). `at` is
    the time of arrival (default: now): a queue's delay never makes a signature too old."""
    now = at or timezone.now()
    if signed_at > now + conf.SIGNED_AT_CLOCK_SKEW:
        code, message = "signed_at_in_future", _("The signing time is in the future.")
    elif signed_at < now - conf.signed_at_max_age():
        code = "signed_at_too_old"
        message = _("The signing time is too long ago: sign the application again.")
    else:
        return signed_at
    if cms_der and (first := application_selectors.application_for_envelope(cms_der=cms_der)):
        raise replay_problem(first)
    raise ApiProblem(
        status_code=422,
        code=code,
        title=message,
        detail=_(
            "signed_at must lie between %(hours)s hours before and %(minutes)s minutes after "
            "the time of receipt."
        )
        % {
            "hours": int(conf.signed_at_max_age().total_seconds() // 3600),
            "minutes": int(conf.SIGNED_AT_CLOCK_SKEW.total_seconds() // 60),
        },
        errors=[field_error(field="signed_at", message=message, code=code)],
    )


# --- The signer ---------------------------------------------------------------------------------


def signer_resident(submission: SignedSubmission) -> Resident | None:
    """The applicant of a one-request submission, found from the signing certificate alone
    (docs/api.md "Who the applicant is"): the resident its issuer + serial were linked to;
    else the resident whose record matches its 基本4情報; else — once the signature has
    verified and the answers name the holder — a new resident record made from the
    certificate, in the municipality of its address. None when the signature does not verify
    (application_receive_prepare then refuses it with its evidence). Raises ApiProblem."""
    certificate = signer_certificate(submission.cms_der)
    if certificate is None:
        raise signature_problem(Outcome.MALFORMED)
    found = signature_services.signer_resident_find(certificate=certificate)
    if found is not None:
        return found
    # Nobody yet: verify before creating anything (the outcome is cached per certificate, so
    # the second verification of the submission itself costs little).
    answers, payload = payload_preview(
        form_version=submission.form_version,
        answers=submission.answers,
        signed_at=submission.signed_at,
    )
    parties = parties_from_answers(answers)
    checked = signature_services.signature_check(
        payload=payload,
        cms_der=submission.cms_der,
        applicant=(
            signature_services.ApplicantBinding(person=parties.signer.facts()) if parties else None
        ),
    )
    if checked.outcome != Outcome.VALID:
        return None
    try:
        return signature_services.signer_resident_create(certificate=certificate)
    except signature_services.UnknownMunicipality:
        raise ApiProblem(
            status_code=422,
            code="signer_unknown",
            title=_("The signature was not accepted."),
            detail=_(
                "The address on the signing certificate lies in no municipality we know, so "
                "the applicant cannot be registered. Contact the municipality."
            ),
            outcome="signer_unknown",
        ) from None


def signer_unknown_problem() -> ApiProblem:
    """A signature that verifies, by a certificate on no card registered here."""
    return ApiProblem(
        status_code=422,
        code="signer_unknown",
        title=_("The signature was not accepted."),
        detail=_(
            "The signature is valid, but its certificate belongs to no resident registered "
            "with this platform."
        ),
        outcome=str(Outcome.VALID),
        errors=[
            field_error(
                field="signature",
                message=_("This certificate belongs to no resident registered here."),
                code="signer_unknown",
            )
        ],
    )


def signer_cache_clear() -> None:
    signature_selectors.issued_cache_clear()


def payload_preview(
    *, form_version: FormVersion, answers: Mapping[str, Any], signed_at: datetime.datetime
) -> tuple[dict[str, Any], bytes]:
    """The normalised answers and the payload a signature over them must cover (nothing is
    stored). Raises ApiProblem for invalid answers."""
    public_funds_refuse(answers)
    result = form_selectors.form_validate(form_version=form_version, answers=answers)
    if not result.is_valid:
        raise problem_for(application_services.InvalidAnswers(result))
    return result.answers, application_services.signing_payload_for(
        form_version, result.answers, signed_at
    )


# --- Files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedSubmission:
    form_version: FormVersion
    answers: dict[str, Any]
    signed_at: datetime.datetime
    cms_der: bytes
    files: dict[str, bytes] = field(default_factory=dict)


def _files_check(answers: Mapping[str, Any], files: Mapping[str, bytes]) -> None:
    errors = []
    expected = dict(file_answers(answers))
    for path, meta in expected.items():
        content = files.get(path)
        if content is None:
            errors.append(
                field_error(
                    field=f"files.{path}",
                    message=_("Send the content of this file (base64) in files."),
                    code="file_missing",
                )
            )
        elif hashlib.sha256(content).hexdigest() != str(meta.get("sha256")) or len(
            content
        ) != meta.get("size"):
            errors.append(
                field_error(
                    field=f"files.{path}",
                    message=_("The file differs from its sha256 or size in the answers."),
                    code="file_mismatch",
                )
            )
    for path in files:
        if path not in expected:
            errors.append(
                field_error(
                    field=f"files.{path}",
                    message=_("No answer describes this file."),
                    code="file_unexpected",
                )
            )
    if errors:
        raise ApiProblem(
            status_code=422,
            code="validation_error",
            title=_("Your request has errors."),
            detail=_("Correct the fields listed in errors and try again."),
            errors=errors,
        )


def application_prepare_signed(
    *,
    credential: Credential,
    actor: Any,
    submission: SignedSubmission,
    at: datetime.datetime | None = None,
) -> application_services.Receivable:
    """Every check of a one-request submission, writing nothing but a refused signature's
    evidence (the worker examining an arrival calls it; `at` is the time of arrival). Raises
    ApiProblem or ApplicationError."""
    signed_at_check(submission.signed_at, submission.cms_der, at)
    public_funds_refuse(submission.answers)
    _files_check(submission.answers, submission.files)
    resident = signer_resident(submission)
    receivable = application_services.application_receive_prepare(
        form_version=submission.form_version,
        resident=resident,
        answers=submission.answers,
        cms_der=submission.cms_der,
        signed_at=submission.signed_at,
        channel=Channel.API,
        is_test=credential.is_test,
        actor=actor,
    )
    if resident is None:
        # Verification passed (an expired, revoked or untrusted certificate was refused with
        # its own code above), but nobody here holds the certificate.
        raise signer_unknown_problem()
    # Virus scan, also before the write transaction (docs/scanning.md).
    application_services.application_files_scan(
        receivable=receivable, files=_uploads(submission), actor=actor
    )
    return receivable


def _uploads(submission: SignedSubmission) -> dict[str, SimpleUploadedFile]:
    described = dict(file_answers(submission.answers))
    return {
        path: SimpleUploadedFile(
            str(described[path]["name"]), content, str(described[path]["content_type"])
        )
        for path, content in submission.files.items()
    }


def application_receive_signed(
    *,
    credential: Credential,
    actor: Any,
    submission: SignedSubmission,
    receivable: application_services.Receivable,
) -> Application:
    """Store what application_prepare_signed accepted, with the API client as its origin
    (call inside a transaction)."""
    application = application_services.application_receive(
        receivable=receivable, actor=actor, files=_uploads(submission)
    )
    ApiApplication.objects.create(
        application=application, client_id=credential.client_pk, mode=credential.mode
    )
    return application


# --- Drafts --------------------------------------------------------------------------------------


def application_draft_create_for(
    *,
    credential: Credential,
    resident: Resident,
    form_version: FormVersion,
    answers: Mapping[str, Any],
) -> Application:
    application = application_services.application_draft_create(
        form_version=form_version,
        resident=resident,
        channel=Channel.API,
        answers=answers,
        is_test=credential.is_test,
    )
    ApiApplication.objects.create(
        application=application, client_id=credential.client_pk, mode=credential.mode
    )
    return application


def application_for_client(*, credential: Credential, public_id: str) -> Application | None:
    """An application this client (in this mode) created; None for anyone else's."""
    origin = (
        ApiApplication.objects.select_related(
            "application", "application__form_version", "application__municipality"
        )
        .filter(
            client_id=credential.client_pk, mode=credential.mode, application__public_id=public_id
        )
        .first()
    )
    return origin.application if origin is not None else None


def missing_attachments(application: Application) -> list[dict[str, str]]:
    """Field errors for file answers whose bytes were never uploaded."""
    stored = dict(application.attachments.values_list("item_path", "sha256"))
    return [
        field_error(
            field=f"answers.{path}",
            message=_("Upload this file before submitting."),
            code="file_missing",
        )
        for path, meta in file_answers(application.raw_answers)
        if stored.get(path) != meta.get("sha256")
    ]
