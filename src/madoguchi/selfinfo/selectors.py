"""Reads of the self-information API: services, a resident's consents, and the check of a
bearer token presented to `/api/v1/self/<category>`."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken

from madoguchi.accounts.selectors import resident_for_user
from madoguchi.linkage.types import Category

from .models import Consent, Service
from .types import SCOPES, ScopeMissing, TokenRefused, category_for, scope_for

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


def is_service_application(application: Any) -> bool:
    """The OAuth client is a private service's (the development IdP refuses those)."""
    pk = getattr(application, "pk", None)
    return pk is not None and Service.objects.filter(application_id=pk).exists()


def service_for_application(application: Any) -> Service | None:
    if application is None:
        return None
    return (
        Service.objects.filter(application_id=application.pk, is_active=True)
        .select_related("application")
        .first()
    )


def service_for_client_id(client_id: str) -> Service | None:
    return (
        Service.objects.filter(application__client_id=client_id)
        .select_related("application")
        .first()
    )


def service_scopes(service: Service) -> list[str]:
    return [scope_for(c) for c in service.categories if c in Category.values]


def category_labels(categories: list[str]) -> list[str]:
    return [str(Category(c).label) for c in Category.values if c in categories]


@dataclass(frozen=True)
class ConsentRow:
    id: int
    service: str
    operator: str
    purpose: str
    categories: list[str]
    granted_at: datetime.datetime
    last_fetch_at: datetime.datetime | None


def consents_for_resident(*, resident: Resident) -> list[ConsentRow]:
    """The resident's active consents (連携中のサービス), newest first."""
    rows = Consent.objects.filter(resident=resident, revoked_at__isnull=True).select_related(
        "service"
    )
    return [
        ConsentRow(
            id=consent.pk,
            service=consent.service.name,
            operator=consent.service.operator,
            purpose=consent.service.purpose,
            categories=category_labels(list(consent.categories)),
            granted_at=consent.granted_at,
            last_fetch_at=consent.last_fetch_at,
        )
        for consent in rows.order_by("-granted_at", "-pk")
    ]


def active_consent(*, resident: Resident, service: Service) -> Consent | None:
    return Consent.objects.filter(
        resident=resident, service=service, revoked_at__isnull=True
    ).first()


@dataclass(frozen=True)
class TokenGrant:
    """What a valid self-information token lets its bearer read."""

    service: Service
    resident: Resident
    consent: Consent
    categories: frozenset[str]


def token_check(*, token: str, category: str) -> TokenGrant:
    """The bearer token's grant for `category`, or TokenRefused (401) / ScopeMissing (403).

    A token is accepted only if it was issued by the self-information authorization server: its
    client is an active private service, every scope is a self-information scope, its user is a
    resident with an active consent to that service, and it has not expired. Tokens of the
    development IdP (its client is the platform's, its scopes are OpenID Connect's) are refused.
    """
    if not token:
        raise TokenRefused(_("An access token (Authorization: Bearer …) is required."))
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    access = (
        AccessToken.objects.select_related("application", "user")
        .filter(token_checksum=checksum)
        .first()
    )
    if access is None:
        raise TokenRefused(_("The access token is not valid (unknown or revoked)."))
    if access.expires <= timezone.now():
        raise TokenRefused(_("The access token has expired."))
    service = service_for_application(access.application)
    scopes = set(access.scope.split())
    if service is None or not scopes or not scopes <= set(SCOPES):
        raise TokenRefused(_("The access token was not issued for the self-information API."))
    resident = resident_for_user(user=access.user) if access.user is not None else None
    consent = active_consent(resident=resident, service=service) if resident else None
    if resident is None or consent is None:
        raise TokenRefused(_("The resident has withdrawn the consent to this service."))
    granted = {c for c in (category_for(s) for s in scopes) if c} & set(consent.categories)
    if category not in granted:
        raise ScopeMissing(
            _("The resident has not consented to this service reading this information."),
            scope=scope_for(category),
        )
    return TokenGrant(
        service=service, resident=resident, consent=consent, categories=frozenset(granted)
    )
