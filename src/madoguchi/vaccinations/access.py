"""Who may do what with vaccination records, over which municipalities.

As in the reception console, memberships become municipality codes only through
accounts.selectors.municipality_codes_for; every query of records starts from those codes.
Clinic users hold the `clinic` role in each municipality they serve and see nothing but their
own uploads.
"""

from __future__ import annotations

import enum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from madoguchi.accounts.selectors import municipality_codes_for
from madoguchi.accounts.types import Role


class Ability(enum.Enum):
    READ = "read"  # residents' records, daily counts
    CORRECT = "correct"  # staff entry, corrections, voids, move-in take-over
    EXPORT = "export"  # CSV of records
    UPLOAD = "upload"  # a clinic's CSV intake


ROLES: dict[Ability, tuple[Role, ...]] = {
    Ability.READ: (Role.ADMIN, Role.CASE_WORKER, Role.VIEWER),
    Ability.CORRECT: (Role.ADMIN, Role.CASE_WORKER),
    Ability.EXPORT: (Role.ADMIN, Role.CASE_WORKER),
    Ability.UPLOAD: (Role.CLINIC,),
}


def codes(*, user: AbstractBaseUser | AnonymousUser, ability: Ability) -> set[str]:
    return municipality_codes_for(user=user, roles=ROLES[ability])


def codes_or_403(*, user: AbstractBaseUser | AnonymousUser, ability: Ability) -> set[str]:
    found = codes(user=user, ability=ability)
    if not found:
        raise PermissionDenied
    return found


def abilities(*, user: AbstractBaseUser | AnonymousUser) -> set[Ability]:
    return {ability for ability in Ability if codes(user=user, ability=ability)}
