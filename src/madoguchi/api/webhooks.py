"""The portal's webhook: the outcome of its arrivals (受付 or 受付不可) pushed to a callback URL
(docs/api.md "Waiting for the outcome", docs/arrival.md).

A portal registers one callback URL per key mode (`PUT /api/v1/webhook`; the secret is shown
once). When a worker records the outcome of one of its arrivals, the delivery is written in the
SAME transaction (an outbox: it exists exactly when the outcome does), then POSTed by the task
worker with the same signature scheme as the municipal webhooks (madoguchi.reception.webhooks):

    X-Madoguchi-Timestamp: <unix seconds of this attempt>
    X-Madoguchi-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
    X-Madoguchi-Delivery:  <webhook id>-<到達番号> (the same on every retry)

Receivers check the signature over the raw body, refuse a timestamp more than REPLAY_WINDOW
away from their clock, and treat the delivery id as an idempotency key (delivery is at least
once; each retry is signed afresh with its own timestamp). A failed POST (no 2xx, timeout) is
retried with back-off (30 s, 1 min, 2 min, … capped at 6 h) up to API_WEBHOOK_MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime
import json
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from madoguchi.api import conf
from madoguchi.api.models import (
    Mode,
    PortalDeliveryStatus,
    PortalWebhook,
    PortalWebhookDelivery,
)
from madoguchi.audit.services import audit_record
from madoguchi.core.generations import bump
from madoguchi.core.ttlcache import TtlCache
from madoguchi.reception.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    attempt_record,
    signature,
    signed_post,
)

if TYPE_CHECKING:
    from madoguchi.api.keys import Credential
    from madoguchi.applications.models import Arrival

__all__ = ["DELIVERY_HEADER", "REPLAY_WINDOW", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "signature"]

# What a receiver should accept between its clock and X-Madoguchi-Timestamp (documented).
REPLAY_WINDOW = datetime.timedelta(minutes=5)
TOPIC_RECEIVED = "arrival.received"
TOPIC_REFUSED = "arrival.refused"


class WebhookUrlInvalid(ValueError):
    """The callback URL cannot be used (message in Japanese, for the field `url`)."""


def _url_checked(url: str, mode: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" of an IPv6 literal
        host = None
    blank_or_control = any(ord(c) <= 32 or ord(c) == 127 for c in url)
    if host is None or blank_or_control or parts.scheme not in {"https", "http"}:
        raise WebhookUrlInvalid(_("Give an absolute https:// URL."))
    if parts.scheme == "http" and mode == Mode.LIVE:
        raise WebhookUrlInvalid(_("A live key's callback URL must use https://."))
    if parts.username or parts.password:
        raise WebhookUrlInvalid(_("Do not put a user name or password in the URL."))
    if len(url) > 500:
        raise WebhookUrlInvalid(_("The URL is too long (500 characters at most)."))
    return url


# --- Registration -------------------------------------------------------------------------------

# Every outcome asks whether its client has a webhook; registrations change rarely. A change bumps
# the generation in its transaction, so every worker sees it at its next arrival (the worker reads
# the generations once per arrival anyway: core.generations).
WEBHOOKS_GENERATION = "api.webhooks"
_webhook_cache: TtlCache[tuple[int, str], PortalWebhook | None] = TtlCache(
    ttl=300.0, generation=WEBHOOKS_GENERATION
)


def webhook_for(*, client_pk: int, mode: str) -> PortalWebhook | None:
    return _webhook_cache.get_or_load(
        (client_pk, mode),
        lambda: PortalWebhook.objects.filter(client_id=client_pk, mode=mode).first(),
    )


def webhook_register(*, credential: Credential, url: str) -> tuple[PortalWebhook, bool]:
    """Register (or replace) the callback URL of this client and key mode, with a new secret.
    Returns (webhook, created). Raises WebhookUrlInvalid."""
    url = _url_checked(url, credential.mode)
    with transaction.atomic():
        webhook, created = PortalWebhook.objects.update_or_create(
            client_id=credential.client_pk,
            mode=credential.mode,
            defaults={"url": url, "secret": secrets.token_urlsafe(32)},
        )
        bump(WEBHOOKS_GENERATION)
        audit_record(
            action="api.webhook_registered",
            actor=None,
            actor_label=f"api:{credential.client_id}",
            object_type="api_webhook",
            object_id=str(webhook.pk),
            data={"mode": credential.mode, "url": url},
        )
    return webhook, created


def webhook_remove(*, credential: Credential) -> bool:
    with transaction.atomic():
        deleted, _rows = PortalWebhook.objects.filter(
            client_id=credential.client_pk, mode=credential.mode
        ).delete()
        if deleted:
            bump(WEBHOOKS_GENERATION)
            audit_record(
                action="api.webhook_removed",
                actor=None,
                actor_label=f"api:{credential.client_id}",
                object_type="api_webhook",
                object_id=credential.client_id,
                data={"mode": credential.mode},
            )
    return bool(deleted)


def deliveries_of(*, webhook: PortalWebhook, limit: int = 20) -> list[PortalWebhookDelivery]:
    return list(webhook.deliveries.order_by("-pk")[:limit])


# --- The outbox: written with the outcome ------------------------------------------------------


def event_body(arrival: Arrival) -> dict[str, Any]:
    """What the portal is told: the 到達番号, the outcome, and the 受付番号 or the problem (never
    the answers: the portal reads them from the status URL if it needs them)."""
    from madoguchi.api.arrivals import problem_document, status_path

    application = arrival.application
    return {
        "arrival_number": arrival.number,
        "arrival_display": arrival.display,
        "arrived_at": arrival.arrived_at.isoformat(),
        "finished_at": arrival.finished_at.isoformat() if arrival.finished_at else None,
        "state": arrival.state,
        "status_url": status_path(arrival.number),
        # For a duplicate or a replay: the first receipt, which the problem names too.
        "application_id": str(application.public_id) if application is not None else None,
        "receipt_number": application.receipt_number if application is not None else None,
        "receipt_display": application.receipt_display if application is not None else None,
        "problem": problem_document(arrival) if arrival.problem else None,
    }


def delivery_queue_for(arrival: Arrival) -> PortalWebhookDelivery | None:
    """In the transaction that records the arrival's outcome: the delivery to the portal's
    webhook, if it registered one (enqueued for the task worker when the transaction commits)."""
    if arrival.client_ref is None:
        return None
    webhook = webhook_for(client_pk=arrival.client_ref, mode=arrival.mode)
    if webhook is None:
        return None
    topic = TOPIC_REFUSED if arrival.problem else TOPIC_RECEIVED
    delivery = PortalWebhookDelivery.objects.create(
        webhook=webhook,
        arrival_number=arrival.number,
        topic=topic,
        body={
            "id": f"{webhook.pk}-{arrival.number}",
            "topic": topic,
            "created_at": timezone.now().isoformat(),
            "data": event_body(arrival),
        },
        next_attempt_at=timezone.now(),
    )
    delivery_id = delivery.pk
    transaction.on_commit(lambda: portal_webhook_deliver.enqueue(delivery_id=delivery_id))
    return delivery


# --- Delivery ----------------------------------------------------------------------------------


@task()
def portal_webhook_deliver(*, delivery_id: int) -> str:
    """One attempt; a failure re-enqueues itself after the back-off (`api_webhooks_sweep`
    catches up after an outage, and where the backend cannot defer)."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    retry = delivery.status == PortalDeliveryStatus.PENDING and delivery.next_attempt_at
    if retry and portal_webhook_deliver.get_backend().supports_defer:
        portal_webhook_deliver.using(run_after=delivery.next_attempt_at).enqueue(
            delivery_id=delivery_id
        )
    return str(delivery.status)


def body_bytes(delivery: PortalWebhookDelivery) -> bytes:
    return json.dumps(delivery.body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def delivery_attempt(
    *, delivery_id: int, client: httpx.Client | None = None
) -> PortalWebhookDelivery:
    """POST once, signed; record the status code, schedule the next try or give up."""
    delivery = PortalWebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status != PortalDeliveryStatus.PENDING:
        return delivery
    status_code, error = signed_post(
        url=delivery.webhook.url,
        secret=delivery.webhook.secret,
        body=body_bytes(delivery),
        delivery_id=str(delivery.body.get("id", delivery.pk)),
        timeout=conf.webhook_timeout_seconds(),
        client=client,
    )
    attempt_record(
        delivery,
        status_code=status_code,
        error=error,
        max_attempts=conf.webhook_max_attempts(),
        backoff_seconds=conf.webhook_backoff_seconds,
    )
    return delivery


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Enqueue every delivery that is due (retries, and what waited while no task worker ran).
    Returns how many were enqueued."""
    due = list(
        PortalWebhookDelivery.objects.filter(
            status=PortalDeliveryStatus.PENDING, next_attempt_at__lte=now or timezone.now()
        ).values_list("pk", flat=True)[:1000]
    )
    for delivery_id in due:
        portal_webhook_deliver.enqueue(delivery_id=delivery_id)
    return len(due)
