"""Who may do what with benefit campaigns, over which municipalities (memberships become
codes only through accounts.selectors.municipality_codes_for, as in reception)."""

from __future__ import annotations

import enum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from madoguchi.accounts.selectors import is_national_admin, municipality_codes_for
from madoguchi.accounts.types import Role


class Ability(enum.Enum):
    READ = "read"  # the campaign page and its counts
    DEFINE = "define"  # create, change, compute, push
    PROCESS = "process"  # approval, payment file, 振込不能 import


ROLES: dict[Ability, tuple[Role, ...]] = {
    Ability.READ: (Role.ADMIN, Role.CASE_WORKER, Role.VIEWER),
    Ability.DEFINE: (Role.ADMIN,),
    Ability.PROCESS: (Role.ADMIN, Role.CASE_WORKER),
}


def codes(*, user: AbstractBaseUser | AnonymousUser, ability: Ability) -> set[str]:
    return municipality_codes_for(user=user, roles=ROLES[ability])


def codes_or_403(*, user: AbstractBaseUser | AnonymousUser, ability: Ability) -> set[str]:
    found = codes(user=user, ability=ability)
    if not found:
        raise PermissionDenied
    return found


def national(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A national administrator defines campaigns for every municipality (and sees no
    municipality's households: the counts and the work stay with each municipality)."""
    return is_national_admin(user=user)  # type: ignore[arg-type]
