"""Idempotency-Key for POSTs that create or submit (draft IETF httpapi-idempotency-key-header).

- The first successful (2xx) response to a key is stored with a fingerprint of the request
  (method, path, canonical body) in the same transaction as the work it reports, per client.
- The same key and the same request again: the stored status and body, with
  ``Idempotent-Replayed: true``; the work is not done again.
- The same key with another request: 409.
- A request that failed had no effect and is not stored: retrying it with the same key is safe.

Two concurrent requests with one key both run; the unique constraint lets only one commit, the
other is rolled back and answers with the winner's response.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import rfc8785
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from madoguchi.api.keys import Credential
from madoguchi.api.models import IdempotencyRecord
from madoguchi.api.problems import ApiProblem

HEADER = "HTTP_IDEMPOTENCY_KEY"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")

PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "再送しても二重にならないためのキー（1〜255文字の印字可能ASCII、UUID推奨）。同じキーと同じ"
        "内容の再送には最初の応答を返し、同じキーで内容が違えば 409 を返します。成功した応答だけを"
        "クライアントごとに保存します。\n\n"
        "Makes retries safe (1–255 printable ASCII characters; a UUID is a good choice). The "
        "same key with the same request returns the first response (status and body); the same "
        "key with a different request returns 409. Only successful responses are stored, per "
        "client."
    ),
    examples=[OpenApiExample("UUID", value="5f0c8a52-3f0e-4c8e-9b7a-0d6f3c1e2a44")],
)


def idempotency_key(request: Request) -> str | None:
    raw = request.META.get(HEADER)
    if raw is None:
        return None
    if not _KEY.fullmatch(raw):
        raise serializers.ValidationError(
            {
                "Idempotency-Key": [
                    _("The Idempotency-Key must be 1 to 255 printable ASCII characters.")
                ]
            }
        )
    return str(raw)


def _canonical(data: Any) -> bytes:
    if hasattr(data, "lists"):  # multipart/form: a QueryDict, possibly with files
        parts: list[Any] = []
        for name, values in sorted(data.lists()):
            for value in values:
                if hasattr(value, "chunks"):
                    digest = hashlib.sha256()
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                    parts.append([name, "file", str(value.name), digest.hexdigest()])
                else:
                    parts.append([name, "value", str(value)])
        data = parts
    try:
        encoded: bytes = rfc8785.dumps(data)
        return encoded
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return repr(data).encode("utf-8", "surrogatepass")


def fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(_canonical(request.data))
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, request_fingerprint: str) -> Response:
    if record.fingerprint != request_fingerprint:
        raise ApiProblem(
            status_code=409,
            code="idempotency_key_reused",
            title=_("This Idempotency-Key was already used for a different request."),
            detail=_("Use a new key for a new request; resend a request only with its own key."),
        )
    return Response(
        record.response_body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
    )


def _lookup(credential: Credential, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(client_id=credential.client_pk, key=key).first()


def _store(credential: Credential, key: str, request_fingerprint: str, response: Response) -> None:
    if 200 <= response.status_code < 300:
        IdempotencyRecord.objects.create(
            client_id=credential.client_pk,
            key=key,
            fingerprint=request_fingerprint,
            status_code=response.status_code,
            response_body=response.data,
        )


def idempotent(
    request: Request,
    credential: Credential,
    handler: Callable[[], Response],
    *,
    atomic: bool = True,
    before: Callable[[], None] | None = None,
) -> Response:
    """Run `handler` once per Idempotency-Key; without the header, just run it.

    With `atomic`, the handler runs in one transaction with the record: an exception rolls its
    work back. Without, the handler manages its own transactions and must itself be safe to
    repeat (the record is then written after it). `before` runs first, outside the
    transaction, unless the request is a replay: checks that write nothing belong there."""
    key = idempotency_key(request)
    if key is None:
        if before is not None:
            before()
        if not atomic:
            return handler()
        with transaction.atomic():
            return handler()
    request_fingerprint = fingerprint(request)
    existing = _lookup(credential, key)
    if existing is not None:
        return _replay(existing, request_fingerprint)
    if before is not None:
        before()
    try:
        if atomic:
            with transaction.atomic():
                response = handler()
                _store(credential, key, request_fingerprint, response)
        else:
            response = handler()
            with transaction.atomic():
                _store(credential, key, request_fingerprint, response)
    except IntegrityError:
        existing = _lookup(credential, key)
        if existing is None:
            raise
        return _replay(existing, request_fingerprint)
    return response
