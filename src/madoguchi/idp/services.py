"""Writes of the development IdP: demo identities, PIN checks, and client registration."""

from __future__ import annotations

import datetime
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import get_application_model

from madoguchi.accounts import services as account_services
from madoguchi.accounts.types import PERSON_FIELDS
from madoguchi.core.records import changed_fields_save
from madoguchi.idp import conf
from madoguchi.idp.models import DemoIdentity, new_subject

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User


def _identity_user(subject: str, name: str) -> User:
    user, _ = account_services.passwordless_user_get_or_create(
        username=f"idp-{subject}"[:150], display_name=f"IdP: {name}"
    )
    return user


def demo_identity_get_or_create(*, resident: Resident) -> DemoIdentity:
    """The IdP's record of a demo resident, copied from the registry (and brought up to date
    with it, since the demo data is the source of the demo people)."""
    values = {field: getattr(resident, field) for field in PERSON_FIELDS}
    identity = DemoIdentity.objects.select_related("user").filter(resident=resident).first()
    if identity is not None:
        changed_fields_save(identity, values)
        return identity
    try:
        with transaction.atomic():
            subject = str(resident.subject)
            return DemoIdentity.objects.create(
                resident=resident,
                subject=subject,
                user=_identity_user(subject, resident.name),
                **values,
            )
    except IntegrityError:
        # Two first sign-ins of the same resident at once: the other one created it.
        return DemoIdentity.objects.select_related("user").get(resident=resident)


def demo_person_create(
    *,
    family_name: str,
    given_name: str,
    family_name_kana: str,
    given_name_kana: str,
    birth_date: datetime.date,
    gender: str,
    postal_code: str,
    address: str,
) -> DemoIdentity:
    """A fictional person the IdP knows and the platform does not (yet): they become a resident
    by signing in. A new random subject, as a real issuer's would be."""
    subject = new_subject()
    with transaction.atomic():
        return DemoIdentity.objects.create(
            subject=subject,
            user=_identity_user(subject, f"{family_name}\u3000{given_name}"),
            family_name=family_name,
            given_name=given_name,
            family_name_kana=family_name_kana,
            given_name_kana=given_name_kana,
            birth_date=birth_date,
            gender=gender,
            postal_code=postal_code,
            address=address,
        )


def demo_person_update(*, identity: DemoIdentity, **values: Any) -> DemoIdentity:
    """Change what the IdP says about a person (a move, a new name), as the registry behind a
    real issuer would after a notification (転居届)."""
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not a person field: {sorted(unknown)}")
    changed_fields_save(identity, values)
    return identity


def demo_identity_for(*, subject: str) -> DemoIdentity | None:
    """The identity to sign in as: a demo resident's (created from the registry on first use)
    or another fictional person's."""
    from madoguchi.accounts.selectors import resident_get

    resident = resident_get(subject=subject)
    if resident is not None:
        return demo_identity_get_or_create(resident=resident)
    return DemoIdentity.objects.select_related("user").filter(subject=subject).first()


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked: bool
    remaining: int
    identity: DemoIdentity


def demo_pin_check(*, identity: DemoIdentity, pin: str) -> PinCheck:
    """Check the demo 利用者証明用 PIN of `identity`, counting wrong entries like the card does:
    the third wrong entry in a row locks it, a right one resets the count. A locked identity
    stays locked whatever PIN is entered."""
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
