"""Webhook push: each outbox message of a municipality (written by madoguchi.applications in
the same transaction as the status change) becomes one delivery per active endpoint, POSTed
with an HMAC-SHA256 signature and retried with exponential backoff by the task worker.

Receivers verify `X-Madoguchi-Signature: sha256=<hex>` = HMAC-SHA256(secret,
"<X-Madoguchi-Timestamp>.<body>") and should treat `X-Madoguchi-Delivery` as an idempotency key:
delivery is at least once.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from madoguchi.applications import selectors as application_selectors
from madoguchi.audit.services import audit_record
from madoguchi.core.ttlcache import TtlCache
from madoguchi.reception import conf
from madoguchi.reception.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from madoguchi.applications.models import OutboxMessage

SIGNATURE_HEADER = "X-Madoguchi-Signature"
TIMESTAMP_HEADER = "X-Madoguchi-Timestamp"
DELIVERY_HEADER = "X-Madoguchi-Delivery"


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def endpoint_create(*, municipality_code: str, url: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        municipality_id=municipality_code, url=url, secret=secrets.token_urlsafe(32)
    )


# Every outbox message asks; endpoints change rarely. A change bumps the generation in its
# transaction (reception.signals), so every process sees it at its next lookup.
ENDPOINTS_GENERATION = "reception.webhooks"
endpoint_cache: TtlCache[str, tuple[WebhookEndpoint, ...]] = TtlCache(
    ttl=300.0, generation=ENDPOINTS_GENERATION
)


def active_endpoints(municipality_code: str) -> tuple[WebhookEndpoint, ...]:
    return endpoint_cache.get_or_load(
        municipality_code,
        lambda: tuple(
            WebhookEndpoint.objects.filter(municipality_id=municipality_code, is_active=True)
        ),
    )


def deliveries_create_for(*, message: OutboxMessage) -> list[WebhookDelivery]:
    """Queue `message` for every active endpoint of its municipality (in the caller's
    transaction, so the delivery exists exactly when the status change does)."""
    municipality_code = message.payload.get("municipality_code") or ""
    created = []
    for endpoint in active_endpoints(municipality_code):
        delivery, was_created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, message=message, defaults={"next_attempt_at": timezone.now()}
        )
        if was_created:
            created.append(delivery)
    return created


@task()
def webhook_deliver(*, delivery_id: int) -> str:
    """One attempt; a failure re-enqueues itself to run after the backoff delay, so retries
    need no separate scheduler (`reception_webhooks_sweep` catches up after an outage)."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    retry = delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    # A backend that cannot defer (the immediate one of tests) leaves retries to the sweep.
    if retry and webhook_deliver.get_backend().supports_defer:
        webhook_deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery_id=delivery_id)
    return str(delivery.status)


def _enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        webhook_deliver.enqueue(delivery_id=delivery_id)


def enqueue_on_commit(deliveries: list[WebhookDelivery]) -> None:
    ids = [d.pk for d in deliveries]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _body(delivery: WebhookDelivery) -> bytes:
    message = delivery.message
    document: dict[str, Any] = {
        "id": f"{delivery.endpoint_id}-{message.pk}",
        "topic": message.topic,
        "created_at": message.created_at.isoformat(),
        "data": message.payload,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")


def signed_post(
    *,
    url: str,
    secret: str,
    body: bytes,
    delivery_id: str,
    timeout: float,
    client: httpx.Client | None = None,
) -> tuple[int | None, str]:
    """POST a webhook body once, signed (HMAC over timestamp.body): the HTTP status (None when
    nothing answered) and the error ("" on a 2xx). The municipal and portal webhooks share it."""
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret=secret, timestamp=timestamp, body=body),
        DELIVERY_HEADER: delivery_id,
        "User-Agent": "Madoguchi-Webhook/1",
    }
    try:
        if client is None:
            with httpx.Client(timeout=timeout) as own:
                response = own.post(url, content=body, headers=headers)
        else:
            response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:1000]
    if not 200 <= response.status_code < 300:
        return response.status_code, f"HTTP {response.status_code}"
    return response.status_code, ""


def attempt_record(
    delivery: Any,
    *,
    status_code: int | None,
    error: str,
    max_attempts: int,
    backoff_seconds: Callable[[int], float],
) -> None:
    """Count the attempt on a delivery row (municipal or portal: the same fields and status
    values), then delivered, given up after `max_attempts`, or the next try after the backoff."""
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= max_attempts:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + datetime.timedelta(
            seconds=backoff_seconds(delivery.attempts)
        )
    delivery.save()


def delivery_attempt(*, delivery_id: int, client: httpx.Client | None = None) -> WebhookDelivery:
    """Try once. On failure schedule the next try (backoff) or give up after the maximum."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "message").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    status_code, error = signed_post(
        url=delivery.endpoint.url,
        secret=delivery.endpoint.secret,
        body=_body(delivery),
        delivery_id=f"{delivery.endpoint_id}-{delivery.message_id}",
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


def deliveries_due(*, now: datetime.datetime | None = None) -> list[int]:
    moment = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=moment
        ).values_list("pk", flat=True)[:1000]
    )


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Catch up: queue outbox messages that have no delivery yet (e.g. written before the
    endpoint's process was up) and enqueue every delivery that is due. Returns how many were
    enqueued. Safe to run at any time, from a periodic command or the task itself."""
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        missing = (
            application_selectors.outbox_messages_for_municipality(
                municipality_code=endpoint.municipality_id, since=endpoint.created_at
            )
            .filter(
                ~Exists(WebhookDelivery.objects.filter(endpoint=endpoint, message=OuterRef("pk")))
            )
            .order_by("pk")[:1000]
        )
        for message in missing:
            WebhookDelivery.objects.get_or_create(
                endpoint=endpoint, message=message, defaults={"next_attempt_at": timezone.now()}
            )
    due = deliveries_due(now=now)
    _enqueue(due)
    return len(due)


def delivery_resend(
    *, delivery: WebhookDelivery, actor: AbstractBaseUser | AnonymousUser | None
) -> WebhookDelivery:
    """An administrator sends a delivery again, whatever its state (the receiver is idempotent
    on X-Madoguchi-Delivery)."""
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.attempts = 0
    delivery.save(update_fields=["status", "next_attempt_at", "attempts"])
    audit_record(
        action="reception.webhook_resent",
        actor=actor,
        municipality_code=delivery.endpoint.municipality_id,
        object_type="webhook_delivery",
        object_id=str(delivery.pk),
    )
    enqueue_on_commit([delivery])
    return delivery
