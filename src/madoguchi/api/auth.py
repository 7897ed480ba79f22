"""Authentication of API clients (Authorization: Bearer <key>), scopes and per-client throttling.

Public search endpoints accept calls without a key (anonymous rate limit); a call with a key must
carry a valid one with the `search` scope and is throttled per client instead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from madoguchi.api.keys import Credential, credential_for
from madoguchi.api.models import Scope

BEARER = "bearer"
SECURITY_SCHEME = "ApiKey"
RESIDENT_SCHEME = "ResidentToken"


class ClientUser:
    """request.user for a call made with an API key: the client, as an authenticated actor
    whose name lands in the audit log and the application history (``api:<client id>``)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, credential: Credential) -> None:
        self.credential = credential
        self.pk = f"api:{credential.client_id}"

    def get_username(self) -> str:
        return self.pk

    def __str__(self) -> str:
        return self.pk


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ClientUser, Credential] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != BEARER or not raw.strip():
            raise exceptions.AuthenticationFailed(
                _("Send the API key as “Authorization: Bearer <key>”."), code="invalid_api_key"
            )
        credential = credential_for(raw.strip())
        if credential is None:
            raise exceptions.AuthenticationFailed(
                _("The API key is unknown or has been revoked."), code="invalid_api_key"
            )
        return ClientUser(credential), credential

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="madoguchi"'


class ApiKeyAndResidentAuthentication(ApiKeyAuthentication):
    """The same key check; documents that these endpoints also need the resident's token
    (X-Resident-Token), which the view validates against the issuer."""


def credential_of(request: Request) -> Credential:
    credential = request.auth
    if not isinstance(credential, Credential):
        raise exceptions.NotAuthenticated(code="api_key_required")
    return credential


class HasScope(BasePermission):
    """A valid key whose client holds the view's `required_scope`."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        credential = request.auth
        if not isinstance(credential, Credential):
            raise exceptions.NotAuthenticated(
                _("This endpoint needs an API key (Authorization: Bearer <key>)."),
                code="api_key_required",
            )
        scope = getattr(view, "required_scope", None)
        if scope and scope not in credential.scopes:
            raise exceptions.PermissionDenied(
                _("This API key's client is not allowed to use this endpoint (scope “%(scope)s”).")
                % {"scope": scope},
                code="insufficient_scope",
            )
        return True


class SearchScopeIfKey(BasePermission):
    """Anyone may search; a caller who sends a key must hold the search scope."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        credential = request.auth
        if isinstance(credential, Credential) and Scope.SEARCH not in credential.scopes:
            raise exceptions.PermissionDenied(
                _("This API key's client is not allowed to use this endpoint (scope “%(scope)s”).")
                % {"scope": Scope.SEARCH},
                code="insufficient_scope",
            )
        return True


_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


class ClientRateThrottle(BaseThrottle):
    """Fixed-window counter per client (test and live keys share it, so a rotation does not
    double the allowance). One cache increment per request, whatever the rate."""

    def __init__(self) -> None:
        self._wait = 0.0

    def allow_request(self, request: Request, view: APIView) -> bool:
        credential = request.auth
        if not isinstance(credential, Credential) or not credential.rate:
            return True
        count_text, _sep, period = credential.rate.partition("/")
        limit, window = int(count_text), _PERIODS.get(period, 60)
        now = time.time()
        start = int(now // window) * window
        key = f"api-throttle:{credential.client_pk}:{window}:{start}"
        if cache.add(key, 1, timeout=window + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window + 1)
                count = 1
        if count > limit:
            self._wait = start + window - now
            return False
        return True

    def wait(self) -> float | None:
        return max(self._wait, 1.0)


class SearchAccess(APIView):
    """Mixin for the public search endpoints: open to all, with the platform's anonymous rate;
    a caller with a key needs the search scope and gets its client's rate instead."""

    authentication_classes: Sequence[type[BaseAuthentication]] = [ApiKeyAuthentication]
    permission_classes: Sequence[Any] = [SearchScopeIfKey]

    def get_throttles(self) -> list[BaseThrottle]:
        # Read per request: the anonymous throttle follows DEFAULT_THROTTLE_CLASSES (off in
        # tests); AnonRateThrottle skips callers authenticated with a key.
        defaults: list[type[BaseThrottle]] = list(api_settings.DEFAULT_THROTTLE_CLASSES)  # type: ignore[arg-type]
        return [throttle() for throttle in defaults] + [ClientRateThrottle()]


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = ApiKeyAuthentication
    name = SECURITY_SCHEME

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "mdg_test_… / mdg_live_…",
            "description": (
                "国の管理者が発行するAPIキー。テスト用キー（mdg_test_）は"
                "デモ自治体（千代田区 131016・東京都 130001）にだけ届き、通知を送りません。\n\n"
                "API key issued by the national administrator. Test keys (mdg_test_) reach only "
                "the demo municipalities (千代田区 131016, 東京都 130001) and send no "
                "notifications."
            ),
        }


class ApiKeyAndResidentScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Both headers are required (AND). The ApiKey scheme itself is registered by the views
    that use the key alone."""

    target_class = ApiKeyAndResidentAuthentication
    name = RESIDENT_SCHEME
    priority = 1

    def get_security_requirement(self, auto_schema: AutoSchema) -> dict[str, list[Any]]:
        return {SECURITY_SCHEME: [], RESIDENT_SCHEME: []}

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Resident-Token",
            "description": (
                "住民が認証アプリ（OpenID Connect）で発行を受けたアクセストークン。"
                "発行者の userinfo エンドポイントで検証します。\n\n"
                "The resident's OpenID Connect access token from the identity provider, "
                "validated against the issuer's userinfo endpoint."
            ),
        }
