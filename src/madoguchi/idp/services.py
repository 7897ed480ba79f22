"""Writes of the development IdP: demo identities, PIN checks, and client registration."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import get_application_model

from madoguchi.accounts import services as account_services
from madoguchi.idp import conf
from madoguchi.idp.models import DemoIdentity

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


def demo_identity_get_or_create(*, resident: Resident) -> DemoIdentity:
    """The IdP's own account for `resident` (see DemoIdentity for why it is not the platform's)."""
    identity = DemoIdentity.objects.select_related("user").filter(resident=resident).first()
    if identity is not None:
        return identity
    try:
        with transaction.atomic():
            user, _ = account_services.passwordless_user_get_or_create(
                username=f"idp-{resident.subject}", display_name=f"IdP: {resident.name}"
            )
            return DemoIdentity.objects.create(resident=resident, user=user)
    except IntegrityError:
        # Two first sign-ins of the same resident at once: the other one created it.
        return DemoIdentity.objects.select_related("user").get(resident=resident)


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked: bool
    remaining: int
    identity: DemoIdentity


def demo_pin_check(*, resident: Resident, pin: str) -> PinCheck:
    """Check the demo 利用者証明用 PIN of `resident`, counting wrong entries like the card does:
    the third wrong entry in a row locks it, a right one resets the count. A locked identity
    stays locked whatever PIN is entered."""
    identity = demo_identity_get_or_create(resident=resident)
    with transaction.atomic():
        # Row lock: two wrong entries racing must both count.
        identity = (
            DemoIdentity.objects.select_for_update().select_related("user").get(pk=identity.pk)
        )
        if identity.failed_pin_attempts >= conf.PIN_MAX_ATTEMPTS:
            return PinCheck(ok=False, locked=True, remaining=0, identity=identity)
        if hmac.compare_digest(pin.encode(), conf.demo_pin().encode()):
            if identity.failed_pin_attempts:
                identity.failed_pin_attempts = 0
                identity.save(update_fields=["failed_pin_attempts"])
            # auth_time of the ID token comes from last_login.
            identity.user.last_login = timezone.now()
            identity.user.save(update_fields=["last_login"])
            return PinCheck(
                ok=True, locked=False, remaining=conf.PIN_MAX_ATTEMPTS, identity=identity
            )
        identity.failed_pin_attempts += 1
        identity.save(update_fields=["failed_pin_attempts"])
        remaining = conf.PIN_MAX_ATTEMPTS - identity.failed_pin_attempts
        return PinCheck(ok=False, locked=remaining <= 0, remaining=remaining, identity=identity)


def demo_identity_unlock_all() -> int:
    """Reset every demo PIN counter (the counter-side PIN reset, for the development IdP)."""
    return DemoIdentity.objects.filter(failed_pin_attempts__gt=0).update(failed_pin_attempts=0)


@dataclass(frozen=True)
class ClientRegistration:
    client_id: str
    created: bool
    changed: list[str]


def idp_client_register(
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: Sequence[str],
    name: str = conf.PLATFORM_CLIENT_NAME,
    trusted: bool = True,
) -> ClientRegistration:
    """Register (or bring up to date) a confidential authorization-code client that signs its
    ID tokens with RS256. `trusted` skips the consent page, as for the platform's own client.
    Idempotent: a second call with the same values changes nothing and reports no change."""
    application_model = get_application_model()
    uris = " ".join(dict.fromkeys(uri.strip() for uri in redirect_uris if uri.strip()))
    wanted = {
        "name": name,
        "client_type": application_model.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
        "algorithm": application_model.RS256_ALGORITHM,
        "redirect_uris": uris,
        "skip_authorization": trusted,
    }
    with transaction.atomic():
        application = (
            application_model.objects.select_for_update().filter(client_id=client_id).first()
        )
        if application is None:
            application_model.objects.create(
                client_id=client_id, client_secret=client_secret, hash_client_secret=True, **wanted
            )
            return ClientRegistration(client_id=client_id, created=True, changed=[])
        changed = [field for field, value in wanted.items() if getattr(application, field) != value]
        for field in changed:
            setattr(application, field, wanted[field])
        # The stored secret is a hash: compare, and only re-hash when the secret changed.
        if not check_password(client_secret, application.client_secret):
            application.client_secret = client_secret
            changed.append("client_secret")
        if changed:
            application.save()
        return ClientRegistration(client_id=client_id, created=False, changed=changed)
