"""/api/v1/webhook: a portal registers, reads and removes the callback URL of its key's mode
(madoguchi.api.webhooks delivers to it)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from madoguchi.api import application_examples as ex
from madoguchi.api import webhooks
from madoguchi.api.auth import ApiKeyAuthentication, ClientRateThrottle, HasScope, credential_of
from madoguchi.api.models import PortalWebhook, Scope
from madoguchi.api.problems import ApiProblem, field_error

TAG = ["webhook"]

DESCRIPTION = (
    "受付または受付不可になった到達を、この URL に署名付きの POST で知らせます"
    "（キーのモードごとに一つ）。"
    "登録のたびに新しい secret を返します（この応答でだけ表示）。\n\n"
    "Registers the callback URL of this key's mode (one per client and mode; a test key's "
    "arrivals go to the test URL). When one of its arrivals ends `received` (受付) or "
    "`refused` (受付不可), Madoguchi POSTs a JSON event there:\n\n"
    "```\n"
    "X-Madoguchi-Timestamp: <unix seconds of this attempt>\n"
    'X-Madoguchi-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>\n'
    "X-Madoguchi-Delivery:  <webhook id>-<arrival_number> (the same on every retry)\n"
    "```\n\n"
    "Check the signature over the raw body with the secret, refuse a timestamp more than "
    "5 minutes from your clock, and treat `X-Madoguchi-Delivery` as an idempotency key: "
    "delivery is at least once, each retry signed afresh. Answer 2xx; anything else (or no "
    "answer within 10 s) is retried after 30 s, 1 min, 2 min, … up to 10 tries. Registering "
    "again replaces the URL and the secret. Live keys need an https:// URL."
)

EVENT_EXAMPLE = OpenApiExample(
    "webhook event (received)",
    value={
        "id": "7-B7KQ2M9XCR4T",
        "topic": "arrival.received",
        "created_at": "2026-12-03T09:00:02.113+00:00",
        "data": {
            "arrival_number": "B7KQ2M9XCR4T",
            "arrival_display": "B7KQ-2M9X-CR4T",
            "arrived_at": "2026-12-03T09:00:01.021+00:00",
            "finished_at": "2026-12-03T09:00:02.101+00:00",
            "state": "received",
            "status_url": "/api/v1/arrivals/B7KQ2M9XCR4T",
            "application_id": "0f5c3f0e-7c55-4a8e-9a51-2b7d3c1e9a10",
            "receipt_number": "K7M3Q9X2P",
            "receipt_display": "K7M-3Q9-X2P",
            "problem": None,
        },
    },
    response_only=True,
)


class WebhookRequestSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=500, help_text="コールバック URL / callback URL")


class WebhookSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    mode = serializers.CharField(help_text="test または live / the key's mode")
    created_at = serializers.DateTimeField()
    secret = serializers.CharField(
        required=False,
        help_text="署名の鍵（登録の応答でだけ）/ signing secret (only when registered)",
    )
    deliveries = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="最近の送信（新しい順、20件）/ the latest deliveries, newest first",
    )


def _body(webhook: PortalWebhook, *, secret: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "url": webhook.url,
        "mode": webhook.mode,
        "created_at": webhook.created_at.isoformat(),
    }
    if secret:
        body["secret"] = webhook.secret
    return body


def _not_registered() -> ApiProblem:
    return ApiProblem(
        status_code=404,
        code="webhook_not_registered",
        title=_("No webhook is registered for this key's mode."),
    )


class WebhookView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    required_scope = Scope.APPLY

    @extend_schema(
        operation_id="webhook_register",
        summary="受付・受付不可の通知先を登録 / Register the callback for outcomes",
        description=DESCRIPTION,
        request=WebhookRequestSerializer,
        responses={
            200: WebhookSerializer,
            201: WebhookSerializer,
            400: ex.PROBLEM,
            401: ex.PROBLEM,
            422: ex.PROBLEM,
        },
        examples=[EVENT_EXAMPLE],
        tags=TAG,
    )
    def put(self, request: Request) -> Response:
        credential = credential_of(request)
        serializer = WebhookRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            webhook, created = webhooks.webhook_register(
                credential=credential, url=serializer.validated_data["url"]
            )
        except webhooks.WebhookUrlInvalid as error:
            raise ApiProblem(
                status_code=422,
                code="validation_error",
                title=_("Your request has errors."),
                detail=_("Correct the fields listed in errors and try again."),
                errors=[field_error(field="url", message=str(error))],
            ) from None
        return Response(_body(webhook, secret=True), status=201 if created else 200)

    @extend_schema(
        operation_id="webhook_read",
        summary="通知先と最近の送信 / The callback and its latest deliveries",
        responses={200: WebhookSerializer, 401: ex.PROBLEM, 404: ex.PROBLEM},
        tags=TAG,
    )
    def get(self, request: Request) -> Response:
        credential = credential_of(request)
        webhook = webhooks.webhook_for(client_pk=credential.client_pk, mode=credential.mode)
        if webhook is None:
            raise _not_registered()
        body = _body(webhook)
        body["deliveries"] = [
            {
                "id": str(d.body.get("id", "")),
                "arrival_number": d.arrival_number,
                "topic": d.topic,
                "status": d.status,
                "attempts": d.attempts,
                "last_status_code": d.last_status_code,
                "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
                "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
            }
            for d in webhooks.deliveries_of(webhook=webhook)
        ]
        return Response(body)

    @extend_schema(
        operation_id="webhook_remove",
        summary="通知先の削除 / Remove the callback",
        responses={204: OpenApiResponse(description="removed"), 401: ex.PROBLEM, 404: ex.PROBLEM},
        tags=TAG,
    )
    def delete(self, request: Request) -> Response:
        if not webhooks.webhook_remove(credential=credential_of(request)):
            raise _not_registered()
        return Response(status=204)


urlpatterns = [path("webhook", WebhookView.as_view(), name="webhook")]
