"""Issue 14, item 3: the portal's webhook. A real HTTP receiver (a local server thread) gets a
signed POST when an arrival ends 受付 or 受付不可; failures are retried, then given up."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from madoguchi.api import webhooks
from madoguchi.api.models import PortalDeliveryStatus, PortalWebhookDelivery
from madoguchi.applications import arrivals
from madoguchi.applications.models import Application
from madoguchi.audit.selectors import audit_chain_verify

from .conftest import bearer, signed_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications"


class Receiver:
    """A portal's endpoint: records what it got, answers with the next planned status."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.requests.append(
                    ({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/madoguchi-hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


def register(client, key, url):
    return client.put(
        "/api/v1/webhook", {"url": url}, content_type="application/json", **bearer(key)
    )


def verified(request: tuple[dict[str, str], bytes], secret: str) -> dict[str, Any]:
    """What a portal must do with a delivery: check the timestamp window and the HMAC."""
    headers, body = request
    timestamp = headers["x-madoguchi-timestamp"]
    assert abs(time.time() - int(timestamp)) <= webhooks.REPLAY_WINDOW.total_seconds()
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest(headers["x-madoguchi-signature"], "sha256=" + expected.hexdigest())
    event: dict[str, Any] = json.loads(body)
    assert headers["x-madoguchi-delivery"] == event["id"]
    return event


def test_the_portal_gets_a_signed_event_on_reception_and_on_refusal(
    client,
    portal,
    disaster_form,
    sample_answers,
    taro,
    receiver,
    django_capture_on_commit_callbacks,
):
    registered = register(client, portal["test"], receiver.url)
    assert registered.status_code == 201, registered.json()
    secret = registered.json()["secret"]
    assert registered.json()["mode"] == "test" and len(secret) >= 32

    body = signed_body(disaster_form, sample_answers, taro)
    first = client.post(URL, body, content_type="application/json", **bearer(portal["test"]))
    again = client.post(URL, body, content_type="application/json", **bearer(portal["test"]))
    assert first.status_code == again.status_code == 202
    # The delivery is written with the outcome and sent when that transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert arrivals.arrivals_work() == 2
    assert len(receiver.requests) == 2

    received = verified(receiver.requests[0], secret)
    application = Application.objects.get()
    assert received["topic"] == "arrival.received"
    assert received["data"]["arrival_number"] == first.json()["arrival_number"]
    assert received["data"]["state"] == "received" and received["data"]["problem"] is None
    assert received["data"]["receipt_number"] == application.receipt_number
    assert received["data"]["status_url"] == first.json()["status_url"]
    assert "answers" not in json.dumps(received)  # the number and the outcome, no personal data

    # The same envelope again: 受付不可 (a replay), naming the first receipt.
    refused = verified(receiver.requests[1], secret)
    assert refused["topic"] == "arrival.refused"
    assert refused["data"]["arrival_number"] == again.json()["arrival_number"]
    assert refused["data"]["problem"]["type"].endswith("/signature-replayed")
    assert refused["data"]["receipt_number"] == application.receipt_number

    # The portal can see how its deliveries went.
    status = client.get("/api/v1/webhook", **bearer(portal["test"])).json()
    assert "secret" not in status
    assert [d["status"] for d in status["deliveries"]] == ["delivered", "delivered"]
    assert {d["last_status_code"] for d in status["deliveries"]} == {204}
    assert audit_chain_verify().ok


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(
    client,
    portal,
    disaster_form,
    sample_answers,
    taro,
    receiver,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.API_WEBHOOK_MAX_ATTEMPTS = 3
    secret = register(client, portal["test"], receiver.url).json()["secret"]
    client.post(
        URL,
        signed_body(disaster_form, sample_answers, taro),
        content_type="application/json",
        **bearer(portal["test"]),
    )
    receiver.statuses = [500]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        arrivals.arrivals_work()
    delivery = PortalWebhookDelivery.objects.get()
    assert delivery.status == PortalDeliveryStatus.PENDING
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at >= before + datetime.timedelta(seconds=30)
    # Not due yet; once due, the sweep queues it and the second try succeeds.
    assert webhooks.sweep() == 0
    assert webhooks.sweep(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == PortalDeliveryStatus.DELIVERED and delivery.attempts == 2
    first, second = receiver.requests
    assert verified(first, secret)["id"] == verified(second, secret)["id"]  # same delivery id

    # A receiver that never answers 2xx: given up after API_WEBHOOK_MAX_ATTEMPTS tries.
    delivery.status, delivery.attempts = PortalDeliveryStatus.PENDING, 1
    delivery.save()
    receiver.statuses = [503, 503]
    for _try in range(2):
        webhooks.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == PortalDeliveryStatus.FAILED and delivery.next_attempt_at is None


def test_registration_rules_and_removal(client, portal, receiver):
    assert client.get("/api/v1/webhook", **bearer(portal["test"])).status_code == 404
    # A live key must use https; the error is at the field, in Japanese.
    refused = register(client, portal["live"], receiver.url)
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    error = refused.json()["errors"][0]
    assert error["field"] == "url" and "https://" in error["message"]
    assert register(client, portal["test"], "not a url").status_code == 422
    # Registering again replaces the URL and the secret (200, not 201).
    first = register(client, portal["test"], receiver.url).json()
    second = register(client, portal["test"], receiver.url + "/v2")
    assert second.status_code == 200 and second.json()["secret"] != first["secret"]
    # The live key's mode has none; the test key's is removed once.
    assert client.delete("/api/v1/webhook", **bearer(portal["live"])).status_code == 404
    assert client.delete("/api/v1/webhook", **bearer(portal["test"])).status_code == 204
    assert client.get("/api/v1/webhook", **bearer(portal["test"])).status_code == 404


def test_without_a_webhook_the_outcome_costs_no_delivery(
    client, portal, disaster_form, sample_answers, taro
):
    client.post(
        URL,
        signed_body(disaster_form, sample_answers, taro),
        content_type="application/json",
        **bearer(portal["test"]),
    )
    assert arrivals.arrivals_work() == 1
    assert not PortalWebhookDelivery.objects.exists()
