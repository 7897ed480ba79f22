"""The self-information authorization server's endpoints, the consent page and My page's
「連携中のサービス」.

- `/self-info/o/authorize/`: authorization code + PKCE (S256 only); the resident signed in to
  the platform sees who asks, for which categories and why, and consents or refuses.
- `/self-info/o/token/`, `/self-info/o/revoke_token/`: django-oauth-toolkit's endpoints with the
  self-information validator.
- `/apply/mypage/services/`: the resident's consents, with 「連携を解除する」.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.views import AuthorizationView, RevokeTokenView, TokenView
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError  # type: ignore[import-untyped]

from madoguchi.audit.services import audit_record
from madoguchi.linkage import catalogue
from madoguchi.linkage.types import Category
from madoguchi.signin.decorators import resident_login_required
from madoguchi.signin.selectors import resident_for

from . import selectors, services
from .types import category_for
from .validators import SelfInfoOAuth2Validator


def issuer(request: HttpRequest) -> str:
    """This authorization server's issuer identifier (RFC 9207, RFC 8414): <base>/self-info/o."""
    return request.build_absolute_uri(reverse("selfinfo:authorize")).removesuffix("/authorize/")


def with_issuer(uri: str, value: str) -> str:
    parts = urlsplit(uri)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "iss"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("iss", value)])))


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


class SelfInfoServerMixin:
    """Use the self-information validator, with an oauthlib core of this class's own.

    django-oauth-toolkit caches the core on the view class and finds it with hasattr(), which
    also sees a core cached on a parent class: DOT's TokenView, used as is by the development
    IdP, would hand its core (with the IdP's validator) to a subclass. Look only at this
    class's own attribute."""

    validator_class = SelfInfoOAuth2Validator

    @classmethod
    def get_oauthlib_core(cls) -> Any:
        core = cls.__dict__.get("_selfinfo_core")
        if core is None:
            core = cls.get_oauthlib_backend_class()(cls.get_server())  # type: ignore[attr-defined]
            cls._selfinfo_core = core  # type: ignore[attr-defined]
        return core


def _categories_of(scopes: list[str]) -> list[dict[str, Any]]:
    wanted = {category_for(s) for s in scopes}
    return [
        {
            "code": value,
            "label": label,
            "items": [
                str(spec.label) for spec in catalogue.ITEMS.values() if spec.category == value
            ],
        }
        for value, label in Category.choices
        if value in wanted
    ]


@method_decorator(resident_login_required, name="dispatch")
class SelfInfoAuthorizationView(SelfInfoServerMixin, AuthorizationView):  # type: ignore[misc]
    """The consent page. Only a resident signed in through OpenID Connect may consent."""

    template_name = "selfinfo/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.oauth2_data: dict[str, Any] = {}
        self.resident = resident_for(request.user)
        if self.resident is None:
            return render(request, "selfinfo/not_registered.html", status=403)
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response

    def validate_authorization_request(self, request: HttpRequest) -> tuple[list[str], Any]:
        scopes, credentials = super().validate_authorization_request(request)
        # oauthlib accepts "plain" (and takes a missing method for plain); refuse both before
        # the resident is asked anything.
        if credentials.get("code_challenge_method") != "S256":
            raise OAuthToolkitError(
                error=InvalidRequestError(
                    description='Only the "S256" code_challenge_method is supported.',
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials["redirect_uri"],
            )
        return scopes, credentials

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            response: HttpResponse = self.error_response(error, application=None)
            return response
        service = selectors.service_for_client_id(credentials["client_id"])
        assert service is not None  # the validator knows only services' clients
        assert self.resident is not None  # dispatch() answered for anyone else
        self.oauth2_data = {**credentials, "scopes": scopes}
        form = self.get_form(self.get_form_class())
        page: HttpResponse = self.render_to_response(
            self.get_context_data(
                form=form,
                service=service,
                categories=_categories_of(scopes),
                consent=selectors.active_consent(resident=self.resident, service=service),
            )
        )
        return page

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> Any:
        with transaction.atomic():
            uri, headers, body, status = super().create_authorization_response(
                request=request, scopes=scopes, credentials=credentials, allow=allow
            )
            # RFC 9207: DOT names the (one) issuer of its settings, the development IdP's;
            # this server is another issuer.
            uri = with_issuer(uri, issuer(request))
            headers["Location"] = uri
            service = selectors.service_for_client_id(credentials["client_id"])
            if service is not None and self.resident is not None:
                categories = [c for c in (category_for(s) for s in scopes.split()) if c]
                if allow:
                    services.consent_grant(
                        resident=self.resident,
                        service=service,
                        categories=categories,
                        actor=request.user,
                    )
                else:
                    audit_record(
                        action="selfinfo.consent_refused",
                        actor=request.user,
                        municipality_code=self.resident.municipality_id,
                        object_type="selfinfo.service",
                        object_id=str(service.pk),
                        ip_address=_ip(request),
                        data={"service": service.name, "categories": categories},
                    )
        return uri, headers, body, status


class SelfInfoTokenView(SelfInfoServerMixin, TokenView):  # type: ignore[misc]
    pass


class SelfInfoRevokeTokenView(SelfInfoServerMixin, RevokeTokenView):  # type: ignore[misc]
    pass


@require_GET
@resident_login_required
def consents(request: HttpRequest) -> HttpResponse:
    resident = resident_for(request.user)
    if resident is None:
        return render(request, "selfinfo/not_registered.html", status=403)
    rows = selectors.consents_for_resident(resident=resident)
    audit_record(
        action="selfinfo.consents_viewed",
        actor=request.user,
        municipality_code=resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(resident.pk),
        ip_address=_ip(request),
        data={"count": len(rows)},
    )
    return render(request, "selfinfo/consents.html", {"resident": resident, "rows": rows})


@require_POST
@resident_login_required
def consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    resident = resident_for(request.user)
    if resident is None:
        return render(request, "selfinfo/not_registered.html", status=403)
    consent = services.consent_revoke(resident=resident, consent_id=consent_id, actor=request.user)
    if consent is None:
        messages.warning(request, _("That service is not linked any more."))
    else:
        messages.success(
            request,
            _("The link with %(service)s has ended. It can no longer read your information.")
            % {"service": consent.service.name},
        )
    return redirect("selfinfo:consents")
