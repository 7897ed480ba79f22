"""Reads of the resident sign-in, for the other apps (form prefill, mypage, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from madoguchi.accounts.selectors import resident_for_user
from madoguchi.signin.claims import ResidentClaims, claims_from_session
from madoguchi.signin.services import SESSION_KEY

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

__all__ = ["ResidentClaims", "resident_claims", "resident_for"]


def resident_claims(request: HttpRequest) -> ResidentClaims | None:
    """The verified claims of the resident signed in on this request, or None when nobody
    signed in through OpenID Connect (anonymous, or a staff member's password login)."""
    if not request.user.is_authenticated:
        return None
    record: Any = request.session.get(SESSION_KEY)
    if not isinstance(record, dict) or record.get("user_id") != request.user.pk:
        return None
    try:
        return claims_from_session(record["claims"])
    except (KeyError, TypeError, ValueError):
        return None


def resident_for(user: AbstractBaseUser | AnonymousUser) -> Resident | None:
    """The registered resident linked to `user`, if the registry knows them."""
    return resident_for_user(user=user)
