"""Writes of the resident sign-in: link the issuer's subject to a platform user and log in."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib.auth import login, logout
from django.http import HttpRequest

from madoguchi.accounts.services import (
    passwordless_user_get_or_create,
    resident_from_identity,
    resident_household_declare,
    resident_user_link,
)
from madoguchi.accounts.types import Gender, PersonRecord
from madoguchi.audit.services import audit_record
from madoguchi.municipalities.selectors import municipality_for_address
from madoguchi.signin.claims import ResidentClaims, claims_to_session

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User

SESSION_KEY = "signin.resident"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInRefused(Exception):
    """The platform user linked to this person may not sign in (deactivated by an operator)."""


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _username_for(*, issuer: str, subject: str) -> str:
    # Subjects are unique per issuer only; the hash keeps the username short and opaque.
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:32]
    return f"oidc-{digest}"


def person_from_claims(claims: ResidentClaims) -> PersonRecord:
    """The verified claims as accounts' record of a person (exactly as issued)."""
    return PersonRecord(
        family_name=claims.family_name,
        given_name=claims.given_name,
        family_name_kana=claims.family_name_kana,
        given_name_kana=claims.given_name_kana,
        birth_date=claims.birthdate,
        gender=claims.gender if claims.gender in Gender.values else "",
        postal_code=claims.postal_code if len(claims.postal_code) == 7 else "",
        address=claims.address,
    )


def resident_user_get_or_create(*, claims: ResidentClaims) -> tuple[User, Resident | None]:
    """The platform user and the resident for the person the issuer vouched for.

    The resident is found by (issuer, subject), created from the verified claims on the first
    sign-in and updated with history on later ones (accounts.services.resident_from_identity);
    its municipality comes from the claimed address. The user is linked to the resident,
    created on first sign-in. Claims too thin for a record (no name, birth date or address) give
    a user without a resident, who can sign in but not apply.
    """
    municipality = (
        municipality_for_address(address=claims.address, postal_code=claims.postal_code)
        if claims.address
        else None
    )
    resident = resident_from_identity(
        issuer=claims.issuer,
        subject=claims.subject,
        person=person_from_claims(claims),
        municipality_code=municipality.code if municipality is not None else None,
    )
    if resident is not None and resident.user is not None:
        return resident.user, resident
    user, _created = passwordless_user_get_or_create(
        username=_username_for(issuer=claims.issuer, subject=claims.subject),
        display_name=claims.name,
    )
    if resident is not None:
        user = resident_user_link(resident=resident, user=user)
    return user, resident


def resident_sign_in(*, request: HttpRequest, claims: ResidentClaims) -> User:
    """Log the person in (Django rotates the session key), keep their verified claims in the
    session for prefilling forms, and audit the sign-in."""
    user, resident = resident_user_get_or_create(claims=claims)
    if not user.is_active:
        audit_record(
            action="resident.sign_in_refused",
            actor_label=user.get_username(),
            ip_address=_ip(request),
            data={"issuer": claims.issuer, "subject": claims.subject, "reason": "inactive"},
        )
        raise SignInRefused(user.pk)
    login(request, user, backend=MODEL_BACKEND)
    # After login(): logging in as a different user flushes the session first.
    request.session[SESSION_KEY] = {"user_id": user.pk, "claims": claims_to_session(claims)}
    audit_record(
        action="resident.signed_in",
        actor=user,
        municipality_code=resident.municipality_id if resident else "",
        object_type="accounts.resident" if resident else "",
        object_id=str(resident.pk) if resident else "",
        ip_address=_ip(request),
        data={
            "issuer": claims.issuer,
            "subject": claims.subject,
            "registered_resident": resident is not None,
        },
    )
    return user


def resident_sign_in_failed(*, request: HttpRequest, reason: str, detail: str = "") -> None:
    """Audit a sign-in that did not complete (cancelled, bad state, invalid token, ...)."""
    audit_record(
        action="resident.sign_in_failed",
        ip_address=_ip(request),
        data={"reason": reason, "detail": detail[:200]},
    )


def resident_sign_out(*, request: HttpRequest) -> None:
    """End the platform session (Django audits auth.logout); the claims go with it."""
    logout(request)


def resident_household_declare_for(
    *, request: HttpRequest, resident: Resident, is_householder: bool, relationship: str
) -> Resident:
    """The signed-in resident declares their place in their household (audited)."""
    resident = resident_household_declare(
        resident=resident, is_householder=is_householder, relationship=relationship
    )
    audit_record(
        action="resident.household_declared",
        actor=request.user,
        municipality_code=resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(resident.pk),
        ip_address=_ip(request),
        data={"is_householder": is_householder},
    )
    return resident
