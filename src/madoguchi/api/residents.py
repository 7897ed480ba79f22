"""The resident behind an OpenID Connect access token (header X-Resident-Token).

A portal that signed the resident in with the authentication app passes the resident's access
token; the platform asks the issuer's userinfo endpoint (found through discovery) who it belongs
to, and caches the answer briefly so a draft edited field by field does not cost a round trip
per request. The resident is found by (issuer, `sub`) — created from the userinfo claims
the first time, as the web sign-in does.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
from django.utils.translation import gettext as _
from rest_framework.request import Request

from madoguchi.accounts.selectors import resident_for_identity
from madoguchi.api import conf
from madoguchi.api.problems import ApiProblem
from madoguchi.signin import conf as signin_conf
from madoguchi.signin.claims import claims_from_token
from madoguchi.signin.services import resident_user_get_or_create

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

HEADER = "HTTP_X_RESIDENT_TOKEN"

_lock = threading.Lock()
_metadata: dict[str, tuple[float, str]] = {}  # issuer → (fetched, userinfo endpoint)
_tokens: dict[str, tuple[float, dict[str, Any]]] = {}  # sha256(token) → (expires, userinfo)
_MAX_TOKENS = 10_000


def _unauthorised(code: str, title: str) -> ApiProblem:
    return ApiProblem(
        status_code=401,
        code=code,
        title=title,
        detail=_(
            "Sign the resident in with the identity provider again and send the new access "
            "token in X-Resident-Token."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="resident"'},
    )


def _issuer_unavailable(detail: str) -> ApiProblem:
    return ApiProblem(
        status_code=503,
        code="issuer_unavailable",
        title=_("The identity provider cannot be reached. Try again later."),
        detail=detail,
        headers={"Retry-After": "30"},
    )


def _userinfo_endpoint(client: httpx.Client) -> str:
    issuer = signin_conf.issuer()
    now = time.monotonic()
    with _lock:
        cached = _metadata.get(issuer)
    if cached is not None and now - cached[0] < signin_conf.metadata_max_age():
        return cached[1]
    try:
        response = client.get(signin_conf.discovery_url())
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise _issuer_unavailable(f"discovery: {exc.__class__.__name__}") from exc
    endpoint = document.get("userinfo_endpoint")
    if str(document.get("issuer", "")).rstrip("/") != issuer or not isinstance(endpoint, str):
        raise _issuer_unavailable("discovery: issuer mismatch or no userinfo endpoint")
    with _lock:
        _metadata[issuer] = (now, endpoint)
    return endpoint


def _userinfo_for(token: str) -> dict[str, Any]:
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
    now = time.monotonic()
    with _lock:
        cached = _tokens.get(digest)
    if cached is not None and cached[0] > now:
        return cached[1]
    with httpx.Client(timeout=signin_conf.http_timeout(), follow_redirects=False) as client:
        endpoint = _userinfo_endpoint(client)
        try:
            response = client.get(endpoint, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            raise _issuer_unavailable(f"userinfo: {exc.__class__.__name__}") from exc
    if response.status_code in (400, 401, 403):
        raise _unauthorised(
            "resident_token_invalid", _("The resident's access token is invalid or has expired.")
        )
    if response.status_code != 200:
        raise _issuer_unavailable(f"userinfo: HTTP {response.status_code}")
    try:
        userinfo = response.json()
        if not isinstance(userinfo, dict) or not userinfo.get("sub"):
            raise ValueError("no sub")
    except ValueError as exc:
        raise _issuer_unavailable("userinfo: no sub claim") from exc
    with _lock:
        if len(_tokens) >= _MAX_TOKENS:
            _tokens.clear()
        _tokens[digest] = (now + conf.resident_token_cache_seconds(), userinfo)
    return userinfo


def resident_from_request(request: Request) -> Resident:
    """The registered resident whose access token the request carries; raises ApiProblem."""
    token = str(request.META.get(HEADER, "")).strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    if not token:
        raise _unauthorised(
            "resident_token_required",
            _("This endpoint acts for a resident: send their access token in X-Resident-Token."),
        )
    userinfo = _userinfo_for(token)
    issuer = signin_conf.issuer()
    subject = str(userinfo["sub"])
    # Known at this issuer (signed in before, here or on the web): no write on the hot path.
    # Otherwise the resident is found or created from the userinfo claims, as the web sign-in
    # does (madoguchi.signin.services.resident_user_get_or_create).
    resident = resident_for_identity(issuer=issuer, subject=subject)
    if resident is None:
        _user, resident = resident_user_get_or_create(
            claims=claims_from_token(issuer=issuer, claims=userinfo)
        )
    if resident is None:
        raise ApiProblem(
            status_code=403,
            code="resident_not_registered",
            title=_("The signed-in person is not in the resident registry of this platform."),
            detail=_(
                "The identity provider released no name, date of birth or address in Japan for "
                "this person: ask for the scopes name, birthdate and address."
            ),
        )
    return resident


def resident_token_cache_clear() -> None:
    with _lock:
        _metadata.clear()
        _tokens.clear()
