"""Reads about staff: which municipalities a user may see, in which role.

Every query for municipal data is scoped through `municipality_codes_for`; other apps must not
read Membership directly, so tenant isolation lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from madoguchi.accounts.models import Membership, Role, User


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
    *, user: User | AnonymousUser, roles: Iterable[Role] | None = None
) -> set[str]:
    """Codes of the prefectures/municipalities where `user` holds one of `roles` (any role if
    None). A national administrator gets no municipal data through this: their role is the
    platform's masters, not residents' applications."""
    if not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user=user, municipality__isnull=False)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return set(memberships.values_list("municipality_id", flat=True))
