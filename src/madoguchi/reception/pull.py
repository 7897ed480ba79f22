"""The core-system pull API's machinery: credential authentication, opaque cursors, and the
JSON documents of an application. The HTTP endpoints are in madoguchi.api.reception."""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from madoguchi.applications import services as application_services
from madoguchi.reception import selectors, services
from madoguchi.reception.models import ApiCredential

if TYPE_CHECKING:
    from madoguchi.applications.models import Application

MESSAGES = {
    "bad_token": _("The API credential is missing, wrong or revoked."),
    "bad_cursor": _("The cursor is not valid. Start again without a cursor."),
    "not_found": _("No application with this receipt number."),
    "bad_status": _("Unknown status."),
    "message_required": _("Tell the applicant what to correct."),
}


class CredentialAuthentication(BaseAuthentication):
    """`Authorization: Bearer mdg_…` — a per-municipality credential (reception.ApiCredential)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiCredential] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed(str(MESSAGES["bad_token"]))
        credential = selectors.credential_by_token_hash(token_sha256=services.token_hash(parts[1]))
        if credential is None:
            raise exceptions.AuthenticationFailed(str(MESSAGES["bad_token"]))
        services.api_credential_touch(credential=credential)
        return (None, credential)

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="reception"'


class HasCredential(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiCredential):
            return True
        raise exceptions.NotAuthenticated(str(MESSAGES["bad_token"]))


def cursor_encode(application: Application) -> str:
    assert application.submitted_at is not None
    raw = json.dumps([application.submitted_at.isoformat(), application.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_text, pk = json.loads(raw)
        at = datetime.datetime.fromisoformat(at_text)
        if not isinstance(pk, int) or at.tzinfo is None:
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise exceptions.ValidationError({"cursor": [str(MESSAGES["bad_cursor"])]}) from e
    return at, pk


def _absolute(request: HttpRequest | Request, path: str) -> str:
    return request.build_absolute_uri(path)


def application_summary(request: Request, application: Application) -> dict[str, Any]:
    number = application.receipt_number or ""
    return {
        "receipt_number": number,
        "receipt_display": application.receipt_display,
        "municipality_code": application.municipality_id,
        "procedure_code": application.procedure_code,
        "status": application.status,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "updated_at": application.updated_at.isoformat(),
        "url": _absolute(request, reverse("api:reception-application", args=[number])),
    }


def _signed_payload_base64(application: Application) -> str | None:
    """The signed payload as stored with the evidence; for evidence stored before the payload
    was kept, rebuilt from the stored answers (the builder is deterministic) and returned only
    when it has the SHA-256 the evidence recorded. None when it cannot be had exactly."""
    evidence = application.signature_evidence
    if evidence is None:
        return None
    payload = bytes(evidence.payload)
    if not payload and application.signed_at is not None:
        payload = application_services.signing_payload_for(
            application.form_version, application.answers, application.signed_at
        )
    if not payload or hashlib.sha256(payload).hexdigest() != evidence.payload_sha256:
        return None
    return base64.b64encode(payload).decode()


def application_document(request: Request, application: Application) -> dict[str, Any]:
    number = application.receipt_number or ""
    evidence = application.signature_evidence
    document = application_summary(request, application)
    document.update(
        {
            "channel": application.channel,
            "form_version": {
                "id": str(application.form_version_id),
                "version": application.form_version.number,
                "content_hash": application.form_version.content_hash,
            },
            "answers": application.answers,
            "attachments": [
                {
                    "item_code": attachment.item_path,
                    "name": attachment.name,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "scan_status": attachment.scan_status,
                    "url": _absolute(
                        request,
                        reverse("api:reception-attachment", args=[number, attachment.pk]),
                    ),
                }
                for attachment in application.attachments.order_by("item_path")
            ],
            "signature": None
            if evidence is None
            else {
                "outcome": evidence.outcome,
                "verified_at": evidence.verified_at.isoformat(),
                "issuer": evidence.issuer,
                "serial": evidence.serial,
                "subject": evidence.subject,
                "crl_number": evidence.crl_number,
                "payload_sha256": evidence.payload_sha256,
                "signed_at": application.signed_at.isoformat() if application.signed_at else None,
                # The exact bytes signed, beside the detached CMS: a core system verifies the
                # pair itself (`openssl cms -verify -binary -content payload …`, docs/reception.md).
                "payload_base64": _signed_payload_base64(application),
                "cms_base64": base64.b64encode(bytes(evidence.cms_der)).decode(),
            },
            "history": [
                {
                    "from_status": change.from_status,
                    "to_status": change.to_status,
                    "at": change.at.isoformat(),
                    "message": change.message,
                }
                for change in application.history.all()
            ],
        }
    )
    return document
