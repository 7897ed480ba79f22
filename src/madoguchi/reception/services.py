"""Writes of the reception: case files, comments, assignment, workflow through
applications.services, API credentials and acknowledgements.

Every function that shows or changes personal data records an audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.applications.selectors import applications_for_municipalities
from madoguchi.applications.services import ApplicationError, application_status_change
from madoguchi.applications.types import Status
from madoguchi.audit.services import audit_record
from madoguchi.reception.answers import applicant_names, name_fold
from madoguchi.reception.models import Acknowledgement, ApiCredential, CaseComment, CaseFile

if TYPE_CHECKING:
    from madoguchi.accounts.models import User
    from madoguchi.applications.models import Application

Actor = AbstractBaseUser | AnonymousUser | None

# What staff may set from the console and the API: the applicant's own transitions (withdraw,
# resubmit) are not theirs to make.
STAFF_STATUSES = (Status.IN_REVIEW, Status.RETURNED, Status.COMPLETED, Status.REJECTED)
TOKEN_PREFIX = "mdg_"  # noqa: S105  (a recognisable prefix, not a secret)


class ReceptionError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- case files -----------------------------------------------------------------------------


def _case_values(application: Application) -> dict[str, Any]:
    name, kana = applicant_names(application)
    return {
        "applicant_name": name[:300],
        "applicant_kana": kana[:300],
        "search_text": " ".join(
            filter(None, [name_fold(name), name_fold(kana), application.receipt_number or ""])
        ),
        "synced_at": application.updated_at,
    }


def case_files_sync(*, municipality_codes: Iterable[str], limit: int = 5000) -> int:
    """Create or refresh the case files of applications received or changed since last time.

    Run before the inbox is read (cheap when nothing changed: one indexed anti-join), so the
    reception needs no hook inside madoguchi.applications. Returns how many were refreshed.
    """
    stale = (
        applications_for_municipalities(municipality_codes=municipality_codes)
        .filter(
            Q(reception_case__isnull=True)
            | Q(reception_case__synced_at__isnull=True)
            | Q(reception_case__synced_at__lt=F("updated_at"))
        )
        .select_related("resident")
        .order_by("pk")[:limit]
    )
    count = 0
    for application in stale:
        values = _case_values(application)
        try:
            with transaction.atomic():
                CaseFile.objects.update_or_create(application=application, defaults=values)
        except IntegrityError:  # a concurrent request created it first; its values are as good
            continue
        count += 1
    return count


def case_file_for(*, application: Application) -> CaseFile:
    case, _created = CaseFile.objects.get_or_create(
        application=application, defaults=_case_values(application)
    )
    return case


def case_assign(*, application: Application, assignee: User | None, actor: Actor) -> CaseFile:
    case = case_file_for(application=application)
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    audit_record(
        action="reception.assigned",
        actor=actor,
        municipality_code=application.municipality_id,
        object_type="application",
        object_id=application.receipt_number or "",
        data={"assignee": assignee.get_username() if assignee else ""},
    )
    return case


def case_comment_add(*, application: Application, body: str, actor: User) -> CaseComment:
    text = body.strip()
    if not text:
        raise ReceptionError(_("Write a comment."))
    comment = CaseComment.objects.create(
        application=application, author=actor, author_label=actor.get_username(), body=text
    )
    audit_record(
        action="reception.commented",
        actor=actor,
        municipality_code=application.municipality_id,
        object_type="application",
        object_id=application.receipt_number or "",
        data={"comment": comment.pk},
    )
    return comment


def case_status_change(
    *, application: Application, to_status: str, actor: Actor, message: str = ""
) -> Application:
    """The console's and the API's workflow change: only staff transitions, then
    applications.services.application_status_change (history, outbox, audit, e-mail)."""
    if to_status not in STAFF_STATUSES:
        raise ReceptionError(_("Choose a status staff can set."))
    try:
        return application_status_change(
            application=application, to_status=to_status, actor=actor, message=message
        )
    except ApplicationError as error:
        raise ReceptionError(error.message) from error


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (receipt, reason)


def case_status_change_bulk(
    *,
    municipality_codes: Iterable[str],
    receipt_numbers: Sequence[str],
    to_status: str,
    actor: Actor,
    message: str = "",
) -> BulkResult:
    """Each application changes in its own transaction: one refusal does not undo the others,
    and the result says which were refused and why."""
    result = BulkResult()
    scoped = applications_for_municipalities(municipality_codes=municipality_codes)
    for number in receipt_numbers:
        application = scoped.filter(receipt_number=number).first()
        if application is None:
            result.refused.append((number, _("No such application.")))
            continue
        try:
            case_status_change(
                application=application, to_status=to_status, actor=actor, message=message
            )
        except ReceptionError as error:
            result.refused.append((application.receipt_display, error.message))
        else:
            result.changed.append(application.receipt_display)
    return result


# --- API credentials ------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewCredential:
    credential: ApiCredential
    token: str  # shown once; only its hash is stored


def api_credential_create(
    *, municipality_code: str, name: str, actor: Actor = None
) -> NewCredential:
    # 32 random bytes: guessing is hopeless, so a fast hash (not a password hash) is enough.
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    credential = ApiCredential.objects.create(
        municipality_id=municipality_code,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 8],
        token_sha256=token_hash(token),
    )
    audit_record(
        action="reception.api_credential_created",
        actor=actor,
        actor_label="" if actor else "manage.py",
        municipality_code=municipality_code,
        object_type="api_credential",
        object_id=credential.prefix,
        data={"name": name},
    )
    return NewCredential(credential, token)


def api_credential_revoke(*, credential: ApiCredential, actor: Actor = None) -> None:
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    audit_record(
        action="reception.api_credential_revoked",
        actor=actor,
        municipality_code=credential.municipality_id,
        object_type="api_credential",
        object_id=credential.prefix,
    )


def api_credential_touch(*, credential: ApiCredential) -> None:
    now = timezone.now()
    # At most one write a minute per credential: reads must not queue on the write lock.
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        ApiCredential.objects.filter(pk=credential.pk).update(last_used_at=now)


def application_acknowledge(*, credential: ApiCredential, application: Application) -> bool:
    """Record that the core system stored this submission. Idempotent: True the first time,
    False when it was already acknowledged."""
    if application.submitted_at is None:
        raise ReceptionError(_("This application has not been received."))
    try:
        with transaction.atomic():
            _ack, created = Acknowledgement.objects.get_or_create(
                credential=credential,
                application=application,
                submitted_at=application.submitted_at,
            )
    except IntegrityError:  # two concurrent acks: the other one won, which is the same result
        created = False
    if created:
        audit_record(
            action="reception.api_acknowledged",
            actor_label=f"api:{credential.prefix}",
            municipality_code=application.municipality_id,
            object_type="application",
            object_id=application.receipt_number or "",
        )
    return created


def audit_view(
    *,
    action: str,
    actor: Actor = None,
    actor_label: str = "",
    municipality_code: str,
    receipt_number: str = "",
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> None:
    """Record that personal data was shown, downloaded or exported."""
    audit_record(
        action=action,
        actor=actor,
        actor_label=actor_label,
        municipality_code=municipality_code,
        object_type="application" if receipt_number else "",
        object_id=receipt_number,
        data=data or {},
        ip_address=ip_address,
    )
