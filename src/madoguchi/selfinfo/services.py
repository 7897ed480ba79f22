"""Writes of the self-information API: registering a private service (its OAuth client), a
resident's consent and its revocation, and a fetch of the resident's own information through
the linkage hub on the service's behalf."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Grant, RefreshToken, get_application_model

from madoguchi.audit.services import audit_record
from madoguchi.linkage import services as linkage_services
from madoguchi.linkage.types import Category

from .models import Consent, Service

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from madoguchi.accounts.models import Resident

    from .selectors import TokenGrant


@dataclass(frozen=True)
class Registered:
    service: Service
    client_id: str
    client_secret: str  # shown once; only its hash is stored ("" for a public client)


def _clean_categories(categories: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(categories))
    unknown = [c for c in wanted if c not in Category.values]
    if unknown or not wanted:
        raise ValidationError(
            _("Choose one or more of the data categories: %(known)s.")
            % {"known": ", ".join(Category.values)},
            code="categories",
        )
    return [c for c in Category.values if c in wanted]


def service_register(
    *,
    name: str,
    operator: str,
    purpose: str,
    redirect_uris: Sequence[str],
    categories: Iterable[str],
    confidential: bool = True,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    actor_label: str = "",
) -> Registered:
    """A private service and its OAuth client (authorization code + PKCE). The client secret of
    a confidential client is returned once and stored hashed."""
    application_model = get_application_model()
    uris = " ".join(dict.fromkeys(u.strip() for u in redirect_uris if u.strip()))
    if not uris:
        raise ValidationError(_("Give at least one redirect URI."), code="redirect_uris")
    cleaned = _clean_categories(categories)
    secret = secrets.token_urlsafe(32) if confidential else ""
    with transaction.atomic():
        application = application_model(
            name=name[:255],
            client_type=(
                application_model.CLIENT_CONFIDENTIAL
                if confidential
                else application_model.CLIENT_PUBLIC
            ),
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=uris,
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=False,
            algorithm="",
        )
        application.full_clean(exclude=["user", "client_secret"])
        application.save()
        service = Service.objects.create(
            application=application,
            name=name,
            operator=operator,
            purpose=purpose,
            categories=cleaned,
        )
        audit_record(
            action="selfinfo.service_registered",
            actor=actor,
            actor_label=actor_label,
            object_type="selfinfo.service",
            object_id=str(service.pk),
            data={"client_id": application.client_id, "categories": cleaned},
        )
    return Registered(service=service, client_id=application.client_id, client_secret=secret)


def consent_grant(
    *, resident: Resident, service: Service, categories: Iterable[str], actor: Any = None
) -> Consent:
    """The resident consents to `service` reading `categories` (added to an active consent)."""
    wanted = [c for c in _clean_categories(categories) if c in service.categories]
    now = timezone.now()
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(resident=resident, service=service, revoked_at__isnull=True)
            .first()
        )
        if consent is None:
            consent = Consent.objects.create(
                resident=resident, service=service, categories=wanted, granted_at=now
            )
        else:
            consent.categories = [
                c for c in Category.values if c in set(consent.categories) | set(wanted)
            ]
            consent.save(update_fields=["categories"])
        audit_record(
            action="selfinfo.consent_granted",
            actor=actor,
            municipality_code=resident.municipality_id,
            object_type="selfinfo.consent",
            object_id=str(consent.pk),
            data={"service": service.name, "categories": wanted},
        )
    return consent


def consent_revoke(*, resident: Resident, consent_id: int, actor: Any = None) -> Consent | None:
    """Withdraw the consent and delete every token and code the service holds for the resident,
    so its next fetch is refused at once. None if the resident has no such active consent."""
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .select_related("service")
            .filter(pk=consent_id, resident=resident, revoked_at__isnull=True)
            .first()
        )
        if consent is None:
            return None
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        application_id = consent.service.application_id
        if resident.user_id is not None:
            filters = {"user_id": resident.user_id, "application_id": application_id}
            RefreshToken.objects.filter(**filters).delete()
            AccessToken.objects.filter(**filters).delete()
            Grant.objects.filter(**filters).delete()
        audit_record(
            action="selfinfo.consent_revoked",
            actor=actor,
            municipality_code=resident.municipality_id,
            object_type="selfinfo.consent",
            object_id=str(consent.pk),
            data={"service": consent.service.name},
        )
    return consent


def self_info_fetch(
    *, grant: TokenGrant, category: str, ip_address: str | None = None
) -> linkage_services.SelfInformation:
    """The resident's own information of one category, live from its holder through the hub
    (the portal asks as the resident's agent, 事務 self-information); the exchange is recorded
    on both sides naming the service, and the fetch is audited."""
    entry = linkage_services.self_information_fetch(
        subject=grant.resident.subject,
        municipality_code=grant.resident.municipality_id,
        categories=[category],
        initiated_by=f"service:{grant.service.name}"[:160],
    )[0]
    Consent.objects.filter(pk=grant.consent.pk).update(last_fetch_at=timezone.now())
    audit_record(
        action="selfinfo.fetched",
        actor_label=f"service:{grant.service.application.client_id}",
        municipality_code=grant.resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(grant.resident.pk),
        ip_address=ip_address,
        data={
            "service": grant.service.name,
            "category": category,
            "exchange_id": entry.exchange_id,
            "outcome": entry.outcome or "provided",
        },
    )
    return entry
