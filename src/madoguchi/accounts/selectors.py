"""Reads about staff: which municipalities a user may see, in which role.

Every query for municipal data is scoped through `municipality_codes_for`; other apps must not
read Membership directly, so tenant isolation lives in one place.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from madoguchi.accounts.demo import demo_resident_subjects
from madoguchi.accounts.models import Membership, Resident, ResidentChange, User
from madoguchi.accounts.types import HouseholdSource, Role


def membership_list(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("municipality")
        .order_by("municipality_id", "role")
    )


def is_national_admin(*, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, role=Role.NATIONAL_ADMIN).exists()


def municipality_codes_for(
    *, user: AbstractBaseUser | AnonymousUser, roles: Iterable[Role] | None = None
) -> set[str]:
    """Codes of the prefectures/municipalities where `user` holds one of `roles` (any role if
    None). A national administrator gets no municipal data through this: their role is the
    platform's masters, not residents' applications."""
    if not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user_id=user.pk, municipality__isnull=False)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return set(memberships.values_list("municipality_id", flat=True))


def resident_get(*, subject: uuid.UUID | str) -> Resident | None:
    """The resident with this registry subject (the OpenID Connect `sub`), if any."""
    try:
        value = subject if isinstance(subject, uuid.UUID) else uuid.UUID(str(subject))
    except ValueError:
        return None
    return Resident.objects.select_related("user", "municipality").filter(subject=value).first()


def resident_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Resident | None:
    """The registered resident linked to `user`, if the registry knows them."""
    if not user.is_authenticated:
        return None
    return Resident.objects.filter(user_id=user.pk).select_related("municipality").first()


def staff_for(*, municipality_code: str, roles: Iterable[Role]) -> list[User]:
    """Active staff holding one of `roles` in this municipality (e.g. who an application can be
    assigned to), by username."""
    return list(
        User.objects.filter(
            memberships__municipality_id=municipality_code,
            memberships__role__in=list(roles),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def resident_list() -> QuerySet[Resident]:
    """Every resident record, oldest first (operator commands; pages scope by municipality)."""
    return Resident.objects.order_by("pk")


def demo_resident_list() -> QuerySet[Resident]:
    """The synthetic demo residents (accounts/data/demo.json), householders first."""
    return Resident.objects.filter(subject__in=demo_resident_subjects()).order_by(
        "household__code", "-is_householder", "birth_date", "pk"
    )


def resident_for_identity(*, issuer: str, subject: str) -> Resident | None:
    """The resident an identity provider's (issuer, subject) was linked to on sign-in."""
    return (
        Resident.objects.select_related("municipality")
        .filter(identities__issuer=issuer, identities__subject=subject)
        .first()
    )


def residents_born_on(*, birth_date: datetime.date) -> QuerySet[Resident]:
    """Candidates for a match on 基本4情報 (the caller compares name and address)."""
    return Resident.objects.filter(birth_date=birth_date).order_by("pk")


def resident_change_list(*, resident: Resident) -> QuerySet[ResidentChange]:
    """The history of the resident's record, oldest first."""
    return ResidentChange.objects.filter(resident=resident).order_by("changed_at", "pk")


def household_members(*, resident: Resident) -> QuerySet[Resident]:
    """The other members of `resident`'s household, when the resident registry recorded it
    (a declared or unconfirmed household proves nothing about who a parent's children are)."""
    if resident.household.source != HouseholdSource.REGISTRY:
        return Resident.objects.none()
    return (
        Resident.objects.filter(household_id=resident.household_id)
        .exclude(pk=resident.pk)
        .select_related("user")
        .order_by("birth_date", "pk")
    )


def residents_of(
    *, municipality_codes: Iterable[str], birth_date: datetime.date
) -> QuerySet[Resident]:
    """Residents of these municipalities born on `birth_date` (candidates for a match on name;
    the caller compares the name as written)."""
    return (
        Resident.objects.filter(municipality_id__in=list(municipality_codes), birth_date=birth_date)
        .select_related("user", "household")
        .order_by("pk")
    )


def resident_contacts(*, resident_ids: Iterable[int]) -> dict[int, tuple[str, int | None, str]]:
    """resident id → (municipality code, user id, e-mail address) for writing to them (notices),
    in one query."""
    rows = Resident.objects.filter(pk__in=list(resident_ids)).values_list(
        "pk", "municipality_id", "user_id", "email"
    )
    return {pk: (municipality, user_id, email) for pk, municipality, user_id, email in rows}


def resident_ids_with_account(*, municipality_code: str) -> QuerySet[Resident, int]:
    """Ids of the municipality's residents who have signed in at least once (have a user)."""
    return (
        Resident.objects.filter(municipality_id=municipality_code, user__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
