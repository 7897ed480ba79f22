"""保存期間: erasing the personal data of applications whose retention period has run out
(docs/retention.md).

An application is due when it was decided (completed, rejected or withdrawn) longer ago than the
retention period of its procedure in its municipality (catalog: the offering's own period, else
the procedure's standard one), it is not anonymised yet, and no legal hold is active on it.

Due applications are ANONYMISED, not deleted: the row keeps what the statistics (KPIs) need and
nothing that names a person — municipality, procedure, channel, status, the receipt number and
the dates of its history — so counts and processing times stay right for past months without a
separate tally. Erased: the answers (typed and validated), the 個人番号 hash, the parties, the
link to the resident and the user, the attachments (rows and bytes), the signature evidence (its
certificate names the holder), the messages to the applicant in its history, and — through the
`application_anonymised` signal — what the apps above keep about it (reception: the case file's
names, staff comments). The resident's PDF copy is never stored (rendered from the answers), so
nothing of it is left either.

One audit event `application.anonymised` per application, in its municipality's chain, holding no
personal data (audit events never do: they name the receipt number), so the hash chain verifies
before and after. `retention_due` is the single query: the dry run lists exactly what the run
erases (a hold set in between protects the application: it is checked again under the row lock).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.signals import ModelSignal
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from madoguchi.applications.models import Application, LegalHold, StatusChange
from madoguchi.applications.types import DECIDED
from madoguchi.audit.services import audit_record
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.signatures.services import signature_evidence_delete

Actor = AbstractBaseUser | AnonymousUser | None

# Sent (sender=Application, application=…) inside the anonymising transaction: apps above erase
# what they keep about the application. Connect with sender="applications.Application".
application_anonymised = ModelSignal(use_caching=True)


class RetentionError(Exception):
    """A refusal with a Japanese message for the staff member who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Due:
    """One application the retention run erases (what the dry run reports)."""

    pk: int
    receipt_number: str
    municipality_code: str
    procedure_code: str
    status: str
    decided_at: datetime.datetime
    retention_years: int
    expired_on: datetime.date  # the day the retention period ended

    def line(self) -> str:
        return (
            f"{self.receipt_number or '-'}\t{self.municipality_code}\t{self.procedure_code}\t"
            f"{self.status}\t{timezone.localdate(self.decided_at).isoformat()}\t"
            f"{self.retention_years}y\t{self.expired_on.isoformat()}"
        )


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _decided_at() -> Subquery:
    return Subquery(
        StatusChange.objects.filter(application=OuterRef("pk"), to_status__in=DECIDED)
        .order_by("-at", "-pk")
        .values("at")[:1],
        output_field=DateTimeField(),
    )


def _candidates(
    *, decided_by: datetime.datetime | None = None, **filters: Any
) -> QuerySet[Any]:  # Any: the stubs do not follow the `decided_at` annotation
    """Decided (by `decided_by`, when given), not yet anonymised, not under an active hold;
    annotated with `decided_at`."""
    held = LegalHold.objects.filter(application=OuterRef("pk"), released_at__isnull=True)
    decided = {"decided_at__lte": decided_by} if decided_by else {"decided_at__isnull": False}
    return (
        Application.objects.filter(status__in=DECIDED, anonymised_at__isnull=True, **filters)
        .exclude(pk__in=Subquery(held.values("application_id")))
        .annotate(decided_at=_decided_at())
        .filter(**decided)
    )


def retention_due(*, today: datetime.date | None = None) -> list[Due]:
    """Every application whose retention period ended on or before `today` (Japan time), oldest
    decision first. One query per municipality × procedure present among the candidates."""
    today = today or timezone.localdate()
    pairs = _candidates().values_list("municipality_id", "procedure_code").distinct().order_by()
    due: list[Due] = []
    for municipality_code, procedure_code in sorted(set(pairs)):
        years = catalog_selectors.retention_years_for(
            municipality_code=municipality_code, procedure_code=procedure_code
        )
        # Decided on day D: kept through D + years − 1 day, erased from D + years on.
        latest = timezone.make_aware(
            datetime.datetime.combine(years_after(today, -years), datetime.time.max)
        )
        rows = _candidates(
            decided_by=latest, municipality_id=municipality_code, procedure_code=procedure_code
        ).values_list("pk", "receipt_number", "status", "decided_at")
        for pk, receipt_number, status, decided_at in rows:
            due.append(
                Due(
                    pk=pk,
                    receipt_number=receipt_number or "",
                    municipality_code=municipality_code,
                    procedure_code=procedure_code,
                    status=status,
                    decided_at=decided_at,
                    retention_years=years,
                    expired_on=years_after(timezone.localdate(decided_at), years),
                )
            )
    return sorted(due, key=lambda d: (d.decided_at, d.pk))


@dataclass
class RetentionReport:
    due: list[Due]
    anonymised: list[Due]
    dry_run: bool


def retention_run(
    *, dry_run: bool = False, today: datetime.date | None = None, actor: Actor = None
) -> RetentionReport:
    """Anonymise every due application (each in its own short transaction), or with `dry_run`
    only list them."""
    due = retention_due(today=today)
    if dry_run:
        return RetentionReport(due=due, anonymised=[], dry_run=True)
    done = [item for item in due if application_anonymise(due=item, actor=actor)]
    return RetentionReport(due=due, anonymised=done, dry_run=False)


def application_anonymise(*, due: Due, actor: Actor = None) -> bool:
    """Erase one application's personal data (see the module's docstring). False when it was
    anonymised meanwhile or a hold was set after it was listed."""
    files: list[Any] = []
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(pk=due.pk).first()
        if (
            application is None
            or application.anonymised_at is not None
            or LegalHold.objects.filter(application=application, released_at__isnull=True).exists()
        ):
            return False
        attachments = list(application.attachments.all())
        files = [a.file for a in attachments if a.file]
        application.attachments.all().delete()
        StatusChange.objects.filter(application=application).exclude(message="").update(message="")
        evidence_id = application.signature_evidence_id
        application.raw_answers = {}
        application.answers = {}
        application.my_number_digest = ""
        application.parties = {}
        application.resident = None
        application.user = None
        application.last_page = ""
        application.payload_sha256 = ""
        application.signature_evidence = None
        application.dedupe_key = None
        application.anonymised_at = timezone.now()
        application.save()
        evidence_deleted = (
            signature_evidence_delete(evidence_id=evidence_id) if evidence_id else False
        )
        application_anonymised.send(sender=Application, application=application)
        audit_record(
            action="application.anonymised",
            actor=actor,
            actor_label="" if actor is not None else "retention",
            municipality_code=application.municipality_id,
            object_type="application",
            object_id=application.receipt_number or str(application.public_id),
            data={
                "procedure": application.procedure_code,
                "decided_on": timezone.localdate(due.decided_at).isoformat(),
                "retention_years": due.retention_years,
                "attachments": len(attachments),
                "signature_evidence": evidence_deleted,
            },
        )
        # The bytes go only once the rows are gone for good.
        transaction.on_commit(lambda: [stored.delete(save=False) for stored in files])
    return True


# --- Legal hold ----------------------------------------------------------------------------------


def _label(actor: Actor) -> str:
    return actor.get_username() if actor is not None and actor.is_authenticated else ""


def legal_hold_set(*, application: Application, reason: str, actor: Actor) -> LegalHold:
    """Keep `application` past its retention period until the hold is released. Audited with
    the reason (staff are asked to write no personal data in it)."""
    reason = reason.strip()
    if not reason:
        raise RetentionError(_("Write why the application must be kept."))
    if application.anonymised_at is not None:
        raise RetentionError(
            _("The personal data of this application was already erased; there is nothing to keep.")
        )
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        if LegalHold.objects.filter(application=application, released_at__isnull=True).exists():
            raise RetentionError(_("This application is already on legal hold."))
        hold = LegalHold.objects.create(
            application=application, reason=reason, set_by=_label(actor)
        )
        audit_record(
            action="application.legal_hold_set",
            actor=actor,
            municipality_code=application.municipality_id,
            object_type="application",
            object_id=application.receipt_number or str(application.public_id),
            data={"hold": hold.pk, "reason": reason},
        )
    return hold


def legal_hold_release(*, application: Application, actor: Actor) -> LegalHold:
    """End the active hold: the retention task may erase the application again when due."""
    with transaction.atomic():
        hold = (
            LegalHold.objects.select_for_update()
            .filter(application=application, released_at__isnull=True)
            .first()
        )
        if hold is None:
            raise RetentionError(_("This application is not on legal hold."))
        hold.released_at = timezone.now()
        hold.released_by = _label(actor)
        hold.save(update_fields=["released_at", "released_by"])
        audit_record(
            action="application.legal_hold_released",
            actor=actor,
            municipality_code=application.municipality_id,
            object_type="application",
            object_id=application.receipt_number or str(application.public_id),
            data={"hold": hold.pk},
        )
    return hold


@dataclass(frozen=True)
class RetentionState:
    """What the console shows about an application's retention."""

    retention_years: int
    decided_at: datetime.datetime | None
    expires_on: datetime.date | None  # None while undecided
    hold: LegalHold | None
    holds: list[LegalHold]
    anonymised_at: datetime.datetime | None


def retention_state(*, application: Application) -> RetentionState:
    years = catalog_selectors.retention_years_for(
        municipality_code=application.municipality_id, procedure_code=application.procedure_code
    )
    decided_at = (
        StatusChange.objects.filter(application=application, to_status__in=DECIDED)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
        if application.status in DECIDED
        else None
    )
    holds = list(LegalHold.objects.filter(application=application))
    return RetentionState(
        retention_years=years,
        decided_at=decided_at,
        expires_on=years_after(timezone.localdate(decided_at), years) if decided_at else None,
        hold=next((h for h in holds if h.released_at is None), None),
        holds=holds,
        anonymised_at=application.anonymised_at,
    )


# --- The daily task ------------------------------------------------------------------------------

DAILY_TASK_PATH = "madoguchi.applications.retention.retention_daily"


def next_run_at(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next RETENTION_HOUR o'clock, Japan time (settings.TIME_ZONE)."""
    now = timezone.localtime(now or timezone.now())
    run = now.replace(hour=settings.RETENTION_HOUR, minute=0, second=0, microsecond=0)
    return run if run > now else run + datetime.timedelta(days=1)


@task()
def retention_daily() -> dict[str, int]:
    """Run the retention once, then queue tomorrow's run (a chain started by
    `manage.py retention_schedule`, which `make run` calls)."""
    retention_schedule()  # first: a failing run must not end the chain
    report = retention_run()
    return {"due": len(report.due), "anonymised": len(report.anonymised)}


def retention_schedule(*, at: datetime.datetime | None = None) -> bool:
    """Queue the next daily run unless one is queued already (idempotent: `make run` and a
    deployment may call it on every start). False when none was queued."""
    if not retention_daily.get_backend().supports_defer:
        return False
    deferred = retention_daily.using(run_after=at or next_run_at())
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=DAILY_TASK_PATH, status="READY")
    if waiting.exists():
        return False
    deferred.enqueue()
    return True
