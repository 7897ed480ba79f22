"""Webhooks: outbox rows become signed deliveries, retried with backoff, resent by admins."""

import hashlib
import hmac
import json

import httpx
import pytest
from django.utils import timezone

from madoguchi.applications.services import application_status_change
from madoguchi.reception import webhooks
from madoguchi.reception.models import DeliveryStatus, WebhookDelivery
from madoguchi.reception.testing import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(demo):
    # Nothing listens on port 9: the immediate test backend's first attempt fails.
    return webhooks.endpoint_create(municipality_code="131016", url="http://127.0.0.1:9/hook")


def test_a_status_change_is_delivered_signed(
    endpoint, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(application=received[0], to_status="in_review", actor=None)
    delivery = WebhookDelivery.objects.get(message__topic="application.in_review")
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now()  # backoff
    seen = []

    def receiver(request):
        seen.append(request)
        return httpx.Response(204)

    client = httpx.Client(transport=httpx.MockTransport(receiver))
    delivery = webhooks.delivery_attempt(delivery_id=delivery.pk, client=client)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    request = seen[0]
    body = request.content
    expected = hmac.new(
        endpoint.secret.encode(),
        request.headers["X-Madoguchi-Timestamp"].encode() + b"." + body,
        hashlib.sha256,
    ).hexdigest()
    assert request.headers["X-Madoguchi-Signature"] == f"sha256={expected}"
    document = json.loads(body)
    assert document["data"]["receipt_number"] == received[0].receipt_number
    assert document["data"]["status"] == "in_review"


def test_backoff_grows_and_gives_up(endpoint, received, settings):
    settings.RECEPTION_WEBHOOK_MAX_ATTEMPTS = 3
    application_status_change(application=received[0], to_status="in_review", actor=None)
    delivery = WebhookDelivery.objects.get(message__topic="application.in_review")
    failing = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    delays = []
    for _ in range(3):
        before = timezone.now()
        delivery = webhooks.delivery_attempt(delivery_id=delivery.pk, client=failing)
        if delivery.next_attempt_at:
            delays.append((delivery.next_attempt_at - before).total_seconds())
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_error == "HTTP 500"
    assert delays[0] < delays[1]


def test_sweep_catches_up_and_admin_resends(client, endpoint, received):
    application_status_change(application=received[0], to_status="in_review", actor=None)
    WebhookDelivery.objects.all().delete()  # as if the signal had not run
    webhooks.sweep(now=timezone.now())
    delivery = WebhookDelivery.objects.get(message__topic="application.in_review")
    staff_login(client, "chiyoda-admin")
    html = client.get("/staff/reception/webhooks/").content.decode()
    assert "application.in_review" in html and received[0].receipt_display in html
    response = client.post(f"/staff/reception/webhooks/deliveries/{delivery.pk}/resend/")
    assert response.status_code == 302
    staff_login(client, "chiyoda-worker")
    assert client.get("/staff/reception/webhooks/").status_code == 403
