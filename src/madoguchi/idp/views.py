"""Pages of the development IdP: the demo sign-in (resident + PIN) and the authorization endpoint.

The IdP's authentication is its own: a short-lived record in the session naming the resident who
entered the PIN, good for one authorization. It is never a Django login on the platform, so a
staff member signed in to the platform cannot be mistaken for a resident, and every sign-in asks
for the PIN again, as the authentication app asks for the card.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.views import AuthorizationView
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError  # type: ignore[import-untyped]

from madoguchi.idp import conf, selectors, services
from madoguchi.idp.forms import DemoSignInForm, NewPersonForm
from madoguchi.idp.models import DemoIdentity
from madoguchi.idp.scopes import scope_labels

AUTH_SESSION_KEY = "idp.authentication"
CANCEL_SESSION_KEY = "idp.cancelled"

View = Callable[..., HttpResponse]


def idp_enabled_only(view: View) -> View:
    """404 for every IdP URL when the development IdP is switched off (production)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not conf.idp_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _authorization_next(request: HttpRequest, value: str | None) -> str | None:
    """`value` if it is a relative URL of our authorization endpoint, else None: the sign-in page
    only ever continues an authorization request."""
    if not value or not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path != reverse("oauth2_provider:authorize"):
        return None
    return value


def _authenticated_identity(request: HttpRequest) -> DemoIdentity | None:
    record = request.session.get(AUTH_SESSION_KEY)
    if not isinstance(record, dict):
        return None
    if time.time() - float(record.get("at", 0)) > conf.authentication_max_age():
        request.session.pop(AUTH_SESSION_KEY, None)
        return None
    return selectors.demo_identity_for_subject(subject=str(record.get("subject", "")))


def _pin_error(check: services.PinCheck) -> str:
    if check.locked:
        return _(
            "The PIN has been entered wrongly %(attempts)s times and the certificate is locked. "
            "At a real municipal counter the PIN is reset; for the demonstration, run "
            "“manage.py idp_setup_demo --unlock”."
        ) % {"attempts": conf.PIN_MAX_ATTEMPTS}
    return _(
        "The PIN is not correct. %(remaining)s more wrong entries will lock the certificate."
    ) % {"remaining": check.remaining}


@idp_enabled_only
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    raw_next = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    next_url = _authorization_next(request, raw_next)
    if next_url is None:
        return render(request, "idp/no_request.html", status=400)
    if request.method == "POST" and "cancel" in request.POST:
        # The authorization endpoint turns this into access_denied for the client.
        request.session[CANCEL_SESSION_KEY] = True
        return HttpResponseRedirect(next_url)

    people = selectors.person_list()
    form = DemoSignInForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        identity = services.demo_identity_for(subject=form.chosen_subject())
        if identity is None:
            form.add_error("resident", _("Choose the resident to sign in as."))
        else:
            check = services.demo_pin_check(identity=identity, pin=form.cleaned_data["pin"])
            if check.ok:
                request.session[AUTH_SESSION_KEY] = {
                    "subject": identity.subject,
                    "at": time.time(),
                }
                return HttpResponseRedirect(next_url)
            form.add_error("pin", _pin_error(check))
    return render(
        request,
        "idp/sign_in.html",
        {
            "form": form,
            "next": next_url,
            "has_residents": bool(people),
            "new_person_url": f"{reverse('idp:new-person')}?{urlencode({'next': next_url})}",
        },
        status=200 if not form.errors else 400,
    )


@idp_enabled_only
@require_http_methods(["GET", "POST"])
def new_person(request: HttpRequest) -> HttpResponse:
    """Add a fictional person to the IdP (someone the platform has never seen), then sign in."""
    raw_next = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    next_url = _authorization_next(request, raw_next)
    if next_url is None:
        return render(request, "idp/no_request.html", status=400)
    form = NewPersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.demo_person_create(**form.cleaned_data)
        return HttpResponseRedirect(f"{reverse('idp:sign-in')}?{urlencode({'next': next_url})}")
    return render(
        request,
        "idp/new_person.html",
        {"form": form, "next": next_url},
        status=200 if not form.errors else 400,
    )


class ResidentAuthorizationView(AuthorizationView):  # type: ignore[misc]
    """DOT's authorization endpoint, authenticated by the IdP's own sign-in instead of the
    platform's Django login."""

    template_name = "idp/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not conf.idp_enabled():
            raise Http404
        self.oauth2_data: dict[str, Any] = {}
        if request.session.pop(CANCEL_SESSION_KEY, False):
            return self._deny()
        identity = _authenticated_identity(request)
        request.user = identity.user if identity else AnonymousUser()
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        if identity is not None and isinstance(response, OAuth2ResponseRedirect):
            # The PIN entry is spent once the client has its answer.
            request.session.pop(AUTH_SESSION_KEY, None)
        return response

    def validate_authorization_request(self, request: HttpRequest) -> tuple[list[str], Any]:
        scopes, credentials = super().validate_authorization_request(request)
        # oauthlib accepts "plain" (and treats a missing method as plain) and DOT refuses it
        # only after the resident has signed in; refuse it before anyone is asked for a PIN.
        if credentials.get("code_challenge_method") != "S256":
            raise OAuthToolkitError(
                error=InvalidRequestError(
                    description='Only the "S256" code_challenge_method is supported.',
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials["redirect_uri"],
            )
        return scopes, credentials

    def handle_no_permission(self) -> HttpResponse:
        if self.request.method != "GET":
            return render(self.request, "idp/no_request.html", status=400)
        # A malformed request (no PKCE, unknown client, wrong redirect URI) is refused before
        # anyone is asked for a PIN.
        try:
            self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            response: HttpResponse = self.error_response(error, application=None)
            return response
        query = urlencode({"next": self.request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('idp:sign-in')}?{query}")

    def _deny(self) -> HttpResponse:
        """The resident cancelled at the sign-in page: tell the client access_denied."""
        try:
            scopes, credentials = self.validate_authorization_request(self.request)
            self.create_authorization_response(
                request=self.request, scopes=" ".join(scopes), credentials=credentials, allow=False
            )
        except OAuthToolkitError as error:
            response: HttpResponse = self.error_response(error, application=None)
            return response
        raise AssertionError("create_authorization_response(allow=False) always raises")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["scope_labels"] = scope_labels(context.get("scopes") or [])
        return context
