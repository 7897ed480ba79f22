"""到達 first, 受付 after: the queue of signed applications as they arrived (docs/arrival.md).

- `arrival_create` is the whole synchronous part of a submission's write: one insert of the
  envelope as received, which is also the work queue, answered at once with a 到達番号.
- `arrival_work_one` claims the oldest waiting arrival (SELECT … FOR UPDATE SKIP LOCKED on
  PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway) and examines it with the
  handler its kind names, in ONE transaction: the application with its 受付番号, evidence,
  history, outbox, audit and the arrival's outcome commit together, or not at all. A worker
  killed half-way leaves the arrival waiting, and the next worker examines it again: nothing
  is lost, nothing is received twice.
- Handlers are registered by the apps that accept submissions (a lower app serving higher
  ones): the web journey's is here, the API's in madoguchi.api's AppConfig.ready().

Every arrival ends 受付 (received, `application` set) or 受付不可 (refused, `problem` set; for
a duplicate or a replayed signature `application` names the first receipt).
"""

from __future__ import annotations

import base64
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.applications import notices, services
from madoguchi.applications.models import Application, Arrival
from madoguchi.applications.receipts import arrival_number_new
from madoguchi.applications.types import ArrivalState, Status
from madoguchi.audit.services import audit_record
from madoguchi.core.generations import generation_scope

if TYPE_CHECKING:
    from madoguchi.accounts.models import User
    from madoguchi.forms.models import FormVersion

log = logging.getLogger(__name__)

# An examination that fails unexpectedly (a bug, the database going away) is tried again later;
# after this many tries the arrival ends 受付不可 with `reception_failed`, so none waits forever.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Examined:
    """What a handler decided: the application received (problem empty), or the problem
    document of a refusal, with the first receipt when it is a duplicate or a replay."""

    application: Application | None = None
    problem: dict[str, Any] | None = None


Handler = Callable[[Arrival], Examined]
_handlers: dict[str, Handler] = {}


def arrival_handler_register(kind: str, handler: Handler) -> None:
    """Name the function that examines arrivals of `kind` (call from AppConfig.ready())."""
    _handlers[kind] = handler


# --- Arrival: the synchronous part --------------------------------------------------------------


class ArrivalKeyTaken(Exception):
    """An arrival with this client's Idempotency-Key exists already (`existing`)."""

    def __init__(self, existing: Arrival) -> None:
        super().__init__(existing.number)
        self.existing = existing


def arrival_create(
    *,
    kind: str,
    form_version: FormVersion,
    envelope: dict[str, Any],
    draft: Application | None = None,
    user: User | None = None,
    client_ref: int | None = None,
    mode: str = "",
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> Arrival:
    """Record a signed application as it arrived: one insert (the arrival time is the legal
    moment of 到達). Raises ArrivalKeyTaken when the client's Idempotency-Key was used before."""
    arrival = Arrival(
        kind=kind,
        form_version=form_version,
        envelope=envelope,
        draft=draft,
        user=user,
        client_ref=client_ref,
        mode=mode,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )
    for _attempt in range(5):
        arrival.number = arrival_number_new()
        try:
            with transaction.atomic():
                arrival.save(force_insert=True)
            return arrival
        except IntegrityError:
            if idempotency_key is not None:
                existing = Arrival.objects.filter(
                    client_ref=client_ref, idempotency_key=idempotency_key
                ).first()
                if existing is not None:
                    raise ArrivalKeyTaken(existing) from None
            arrival.pk = None
    raise IntegrityError("could not allocate a unique arrival number")


# --- Reads ----------------------------------------------------------------------------------------


def arrival_for_client(*, client_ref: int, mode: str, number: str) -> Arrival | None:
    """An arrival this API client (in this mode) sent; None for anyone else's."""
    return (
        Arrival.objects.select_related("application")
        .filter(client_ref=client_ref, mode=mode, number=number)
        .first()
    )


def arrival_pending_for_draft(*, draft: Application) -> Arrival | None:
    """The arrival of this draft still waiting to be examined, if any."""
    return Arrival.objects.filter(draft=draft, state=ArrivalState.ARRIVED).order_by("-pk").first()


def arrival_latest_for_draft(*, draft: Application) -> Arrival | None:
    return Arrival.objects.filter(draft=draft).order_by("-pk").first()


def arrivals_refused_for_resident(*, resident_id: int, since: datetime.datetime) -> list[Arrival]:
    """The resident's web arrivals that ended 受付不可 since `since`, newest first (My page's
    notices: there is no notices app yet)."""
    return list(
        Arrival.objects.filter(
            draft__resident_id=resident_id,
            state=ArrivalState.REFUSED,
            finished_at__gte=since,
            # Gone once the resident signed again and it was received.
            draft__status__in=[Status.DRAFT, Status.RETURNED],
        )
        .select_related("draft", "draft__form_version")
        .order_by("-finished_at")[:5]
    )


def arrivals_waiting() -> int:
    return Arrival.objects.filter(state=ArrivalState.ARRIVED).count()


# --- Reception: the workers' part ------------------------------------------------------------


def _claim(now: datetime.datetime) -> Arrival | None:
    return (
        Arrival.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("form_version", "draft", "user")
        .filter(state=ArrivalState.ARRIVED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by("pk")
        .first()
    )


def arrival_work_one() -> Arrival | None:
    """Claim the oldest waiting arrival and examine it, all in one transaction. Returns the
    arrival (received, refused, or put back for a later try), or None when none is waiting."""
    now = timezone.now()
    # One unit of work: the cached limits and webhook endpoints compare their generation once.
    with generation_scope(), transaction.atomic():
        arrival = _claim(now)
        if arrival is None:
            return None
        handler = _handlers.get(arrival.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for arrivals of kind {arrival.kind!r}")
            with transaction.atomic():
                examined = handler(arrival)
        except Exception:
            log.exception("arrival %s: examination failed", arrival.number)
            arrival.attempts += 1
            if arrival.attempts < MAX_ATTEMPTS:
                arrival.not_before = now + datetime.timedelta(seconds=2**arrival.attempts)
                arrival.save(update_fields=["attempts", "not_before"])
                return arrival
            examined = Examined(
                problem={
                    "status": 500,
                    "code": "reception_failed",
                    "title": _("The application could not be examined. Send it again."),
                }
            )
        _finish(arrival, examined, now)
    return arrival


def _finish(arrival: Arrival, examined: Examined, now: datetime.datetime) -> None:
    arrival.state = ArrivalState.REFUSED if examined.problem else ArrivalState.RECEIVED
    arrival.application = examined.application
    arrival.problem = examined.problem or {}
    arrival.finished_at = timezone.now()
    arrival.save(update_fields=["state", "application", "problem", "finished_at", "attempts"])
    if examined.problem:
        # A reception is audited with its application (application.submitted); a refusal here.
        audit_record(
            action="arrival.refused",
            actor=arrival.user,
            municipality_code=arrival.form_version.municipality_id,
            object_type="arrival",
            object_id=arrival.number,
            data={"code": str(examined.problem.get("code", ""))},
        )
        notices.arrival_refused_notify(arrival)  # the お知らせ of 受付不可 (madoguchi.notices)


def arrivals_work(*, limit: int | None = None) -> int:
    """Examine waiting arrivals until none is left (or `limit` were examined); returns how many
    were examined. Tests and the worker command call it."""
    done = 0
    while limit is None or done < limit:
        if arrival_work_one() is None:
            break
        done += 1
    return done


# --- The web journey's handler ------------------------------------------------------------------


def _web_problem(error: services.ApplicationError) -> dict[str, Any]:
    problem: dict[str, Any] = {"code": error.code, "title": error.message}
    if isinstance(error, services.InvalidAnswers):
        problem["errors"] = [
            {"field": e.path, "code": e.code, "message": e.message} for e in error.result.errors
        ]
    return problem


def examine_web_signed(arrival: Arrival) -> Examined:
    """The resident signed their draft with the card (the PIN was checked at arrival): submit
    the draft with that signature, exactly as the synchronous sign step did."""
    draft = arrival.draft
    assert draft is not None
    envelope = arrival.envelope
    try:
        application = services.application_submit(
            application=draft,
            actor=arrival.user,
            cms_der=base64.b64decode(envelope["signature"]),
            signed_at=datetime.datetime.fromisoformat(envelope["signed_at"]),
        )
    except (services.DuplicateApplication, services.SignatureReplayed) as error:
        return Examined(application=error.existing, problem=_web_problem(error))
    except services.ApplicationError as error:
        return Examined(problem=_web_problem(error))
    return Examined(application=application)


WEB_SIGNED = "web.signed"
arrival_handler_register(WEB_SIGNED, examine_web_signed)
