"""Reads of the development IdP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from madoguchi.accounts.selectors import demo_resident_list as accounts_demo_resident_list
from madoguchi.idp.models import DemoIdentity

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


def demo_resident_list() -> QuerySet[Resident]:
    """The residents a tester may sign in as, in a stable order (household, then householder
    first). Only residents with a demo subject exist in development databases."""
    return accounts_demo_resident_list()


def resident_for_idp_user(*, user: AbstractBaseUser | AnonymousUser) -> Resident | None:
    if not user.is_authenticated:
        return None
    identity = DemoIdentity.objects.select_related("resident").filter(user_id=user.pk).first()
    return identity.resident if identity else None


def demo_identity_for_subject(*, subject: str) -> DemoIdentity | None:
    return (
        DemoIdentity.objects.select_related("user", "resident")
        .filter(resident__subject=subject)
        .first()
    )
