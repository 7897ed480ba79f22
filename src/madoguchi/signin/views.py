"""Resident sign-in through OpenID Connect: start, callback, sign-out.

The callback calls the issuer (token endpoint, JWKS) over HTTP inside the request. With the
embedded development IdP that is a request to this same server, so the server must handle two
requests at once: `make run` uses gunicorn with two or more workers; a single-threaded server
would wait for itself.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc.errors import JoseError

from madoguchi.accounts.types import Gender, HouseholdSource
from madoguchi.signin import conf, services
from madoguchi.signin.claims import claims_from_token
from madoguchi.signin.client import IssuerMismatchError, OIDCClient, oidc_client
from madoguchi.signin.decorators import resident_login_required
from madoguchi.signin.errors import PROBLEMS
from madoguchi.signin.forms import HouseholdDeclarationForm
from madoguchi.signin.selectors import resident_claims, resident_for

log = logging.getLogger(__name__)

# Failures of talking to the issuer: unreachable, bad JSON, wrong discovery document.
ISSUER_UNAVAILABLE = (requests.RequestException, ValueError, KeyError, IssuerMismatchError)
# Claims only a userinfo call can supply when the issuer leaves them out of the ID token.
SCOPE_CLAIMS = {"name": "name", "address": "address", "birthdate": "birthdate", "gender": "gender"}


def safe_next(request: HttpRequest, value: str | None) -> str:
    """A same-site relative path to return to after sign-in; anything else becomes "/"."""
    if not value or not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    return value


def _problem(request: HttpRequest, reason: str, next_url: str, detail: str = "") -> HttpResponse:
    services.resident_sign_in_failed(request=request, reason=reason, detail=detail)
    problem = PROBLEMS[reason]
    retry = f"{reverse('signin:start')}?{urlencode({'next': next_url})}"
    return render(
        request,
        "signin/problem.html",
        {"problem": problem, "retry_url": retry, "reason": reason},
        status=problem.status,
    )


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.GET.get("next"))
    redirect_uri = request.build_absolute_uri(reverse("signin:callback"))
    try:
        client = oidc_client()
        authorization = client.create_authorization_url(redirect_uri)
    except ISSUER_UNAVAILABLE as exc:
        log.warning("OIDC issuer %s unavailable: %r", conf.issuer(), exc)
        return _problem(request, "unavailable", next_url, detail=type(exc).__name__)
    # state, nonce and the PKCE verifier stay in the session until the callback.
    client.save_authorize_data(request, redirect_uri=redirect_uri, next=next_url, **authorization)
    return HttpResponseRedirect(authorization["url"])


def _with_userinfo(client: OIDCClient, token: dict[str, Any], claims: dict[str, Any]) -> None:
    """Fill claims an issuer releases only at its userinfo endpoint (allowed: same `sub`)."""
    missing = [c for s, c in SCOPE_CLAIMS.items() if s in conf.scopes().split() and c not in claims]
    if not missing or not client.load_server_metadata().get("userinfo_endpoint"):
        return
    try:
        userinfo = client.userinfo(token=token)
    except (*ISSUER_UNAVAILABLE, AuthlibBaseError) as exc:
        log.warning("OIDC userinfo failed: %r", exc)
        return
    if userinfo.get("sub") == claims.get("sub"):
        for claim in missing:
            if claim in userinfo:
                claims[claim] = userinfo[claim]


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    try:
        client = oidc_client()
    except ISSUER_UNAVAILABLE as exc:
        return _problem(request, "unavailable", "/", detail=type(exc).__name__)
    state_data = client.framework.get_state_data(request.session, state) if state else None
    next_url = safe_next(request, (state_data or {}).get("next"))

    error = request.GET.get("error")
    if error:
        if state_data is not None:
            client.framework.clear_state_data(request.session, state)
        reason = "cancelled" if error == "access_denied" else "issuer_error"
        return _problem(request, reason, next_url, detail=error[:100])
    if state_data is None:
        return _problem(request, "state", next_url)

    try:
        metadata = client.load_server_metadata()
        # RFC 9207: an answer naming another issuer is a mix-up attack or a misconfiguration.
        iss = request.GET.get("iss")
        if iss is not None and iss != metadata["issuer"]:
            client.framework.clear_state_data(request.session, state)
            return _problem(request, "token", next_url, detail="iss parameter mismatch")
        token = client.authorize_access_token(request)
    except ISSUER_UNAVAILABLE as exc:
        return _problem(request, "unavailable", next_url, detail=type(exc).__name__)
    except AuthlibBaseError as exc:
        reason = {"invalid_grant": "code", "mismatching_state": "state"}.get(exc.error, "token")
        return _problem(request, reason, next_url, detail=str(exc.error))
    except JoseError as exc:
        return _problem(request, "token", next_url, detail=type(exc).__name__)

    id_claims = token.get("userinfo")
    if not id_claims or not id_claims.get("sub"):
        # No ID token, so nothing was verified: refuse rather than trust the access token.
        return _problem(request, "token", next_url, detail="no id_token")
    claims = dict(id_claims)
    _with_userinfo(client, token, claims)
    verified = claims_from_token(issuer=metadata["issuer"], claims=claims)
    try:
        services.resident_sign_in(request=request, claims=verified)
    except services.SignInRefused:
        return _problem(request, "refused", next_url)
    return HttpResponseRedirect(next_url)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.resident_sign_out(request=request)
    return HttpResponseRedirect(reverse("signin:signed-out"))


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "signin/signed_out.html")


@require_http_methods(["GET", "POST"])
@resident_login_required
def status(request: HttpRequest) -> HttpResponse:
    """Who is signed in and what the issuer told us (the prefill data), and — where no registry
    adapter confirmed it — the resident's own declaration of their household."""
    claims = resident_claims(request)
    gender_label = ""
    if claims is not None and claims.gender in Gender.values:
        gender_label = str(Gender(claims.gender).label)
    resident = resident_for(request.user)
    declarable = resident is not None and resident.household.source != HouseholdSource.REGISTRY
    form = None
    if declarable and resident is not None:
        form = HouseholdDeclarationForm(
            request.POST if request.method == "POST" else None,
            initial={
                "is_householder": "yes" if resident.is_householder else "no",
                "relationship": resident.relationship,
            },
        )
        if request.method == "POST" and form.is_valid():
            services.resident_household_declare_for(
                request=request,
                resident=resident,
                is_householder=form.cleaned_data["is_householder"] == "yes",
                relationship=form.cleaned_data["relationship"],
            )
            messages.success(request, _("Your household declaration was saved."))
            return HttpResponseRedirect(reverse("signin:status"))
    elif request.method == "POST":
        return HttpResponseRedirect(reverse("signin:status"))
    return render(
        request,
        "signin/status.html",
        {"claims": claims, "gender_label": gender_label, "resident": resident, "form": form},
        status=400 if form is not None and form.errors else 200,
    )
