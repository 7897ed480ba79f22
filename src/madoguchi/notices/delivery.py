"""Sending a notice's e-mail: claim the Delivery row, send, record the outcome.

Semantics (ADR 0012): a re-run of a send never sends again (the notice's dedupe_key); each
attempt first *claims* the row with one conditional UPDATE (queued, or failed and due →
sending, attempts + 1), so two workers never send the same delivery. A failure is recorded
(`failed`, last error) and retried with exponential backoff up to `MAX_ATTEMPTS`. A worker that
dies between the claim and the outcome leaves the row `sending`: the sweep puts it back once
(`recovered`), and marks it failed if it is found interrupted a second time — so a crash can
cause at most one duplicate e-mail (at-least-once, bounded), and never an endless loop.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from madoguchi.core.public_url import public_base_url
from madoguchi.notices.models import Delivery
from madoguchi.notices.types import DeliveryStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A send still `sending` after this long is taken as interrupted (a mail server answers long
# before; Django's SMTP backend times out by EMAIL_TIMEOUT or the OS).
SENDING_TIMEOUT = datetime.timedelta(minutes=10)


def backoff(attempts: int) -> datetime.timedelta:
    """1, 4, 16, 64 minutes after the 1st, 2nd, 3rd, 4th failure."""
    return datetime.timedelta(minutes=4 ** (attempts - 1))


def enqueue(delivery_ids: list[int]) -> None:
    """Queue one task for these deliveries (called inside the transaction that created them)."""
    if delivery_ids:
        deliveries_send.enqueue(delivery_ids=delivery_ids)


@task()
def deliveries_send(*, delivery_ids: list[int]) -> int:
    """Attempt each delivery once; a failure with a retry left re-enqueues itself to run after
    the backoff (a backend that cannot defer, like the immediate one of tests, leaves it to
    `manage.py notices_sweep`). Returns how many were sent."""
    sent = 0
    for delivery_id in delivery_ids:
        delivery = delivery_attempt(delivery_id=delivery_id)
        if delivery is None:
            continue
        if delivery.status == DeliveryStatus.SENT:
            sent += 1
        elif (
            delivery.status == DeliveryStatus.FAILED
            and delivery.next_attempt_at is not None
            and deliveries_send.get_backend().supports_defer
        ):
            deliveries_send.using(run_after=delivery.next_attempt_at).enqueue(
                delivery_ids=[delivery.pk]
            )
    return sent


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    due = Q(status=DeliveryStatus.QUEUED) | Q(
        status=DeliveryStatus.FAILED, next_attempt_at__isnull=False, next_attempt_at__lte=now
    )
    return bool(
        Delivery.objects.filter(due, pk=delivery_id).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _message(delivery: Delivery) -> EmailMessage:
    notice = delivery.notice
    with translation.override(notice.language):
        lines = [notice.body, ""]
        base = public_base_url().rstrip("/")
        if notice.link:
            lines += [_("Details: %(url)s") % {"url": base + notice.link}, ""]
        lines.append(_("This notice is also in My page: %(url)s") % {"url": base + "/apply/"})
        subject = _("[Madoguchi] %(subject)s") % {"subject": notice.subject}
    return EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [delivery.address])


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """One attempt, if the delivery is due and this caller wins the claim; else the row as it
    is (sent, being sent elsewhere, or waiting for its retry) — None if it is gone."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return Delivery.objects.filter(pk=delivery_id).first()
    delivery = Delivery.objects.select_related("notice").get(pk=delivery_id)
    error = ""
    try:
        _message(delivery).send()
    except Exception as exc:  # any backend failure is recorded and retried
        error = f"{type(exc).__name__}: {exc}"[:1000]
        logger.warning("notice delivery %s failed: %s", delivery.pk, type(exc).__name__)
    done = timezone.now()
    if not error:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = done
        delivery.next_attempt_at = None
        delivery.last_error = ""
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = error
        delivery.next_attempt_at = (
            done + backoff(delivery.attempts) if delivery.attempts < MAX_ATTEMPTS else None
        )
    delivery.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error"])
    return delivery


def deliveries_sweep(*, now: datetime.datetime | None = None) -> int:
    """Recover interrupted sends (once each) and enqueue what is due: failed deliveries whose
    retry time has come and queued ones whose task was lost. Safe to run at any time (the claim
    keeps a delivery from being sent twice by two tasks). Returns how many were enqueued."""
    moment = now or timezone.now()
    stale = Q(status=DeliveryStatus.SENDING, claimed_at__lt=moment - SENDING_TIMEOUT)
    Delivery.objects.filter(stale, recovered=True).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        last_error="interrupted twice while sending; not retried again (it may have been sent)",
    )
    Delivery.objects.filter(stale, recovered=False).update(
        status=DeliveryStatus.QUEUED, recovered=True
    )
    due = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.QUEUED, created_at__lt=moment - datetime.timedelta(minutes=1))
            | Q(status=DeliveryStatus.QUEUED, recovered=True)
            | Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=moment)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:10000]
    )
    for start in range(0, len(due), 1000):
        enqueue(due[start : start + 1000])
    return len(due)
