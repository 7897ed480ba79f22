"""Who may do what in reception, and over which municipalities — the one place that turns a
staff member or an API credential into a set of municipality codes.

Every reception query starts from `scope()` (staff) or a credential's municipality, and goes
through applications.selectors.applications_for_municipalities; nothing here reads Membership
directly (accounts.selectors.municipality_codes_for does).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from madoguchi.accounts import selectors as account_selectors
from madoguchi.accounts.selectors import municipality_codes_for
from madoguchi.accounts.types import Role
from madoguchi.applications.selectors import applications_for_municipalities

if TYPE_CHECKING:
    from madoguchi.accounts.models import User
    from madoguchi.applications.models import Application


class Ability(enum.Enum):
    READ = "read"  # inbox, application pages
    PROCESS = "process"  # status changes, comments, assignment
    EXPORT = "export"  # bulk downloads of personal data
    AUDIT = "audit"  # the municipality's audit events
    ADMINISTER = "administer"  # webhooks


ROLES: dict[Ability, tuple[Role, ...]] = {
    Ability.READ: (Role.ADMIN, Role.CASE_WORKER, Role.VIEWER),
    Ability.PROCESS: (Role.ADMIN, Role.CASE_WORKER),
    Ability.EXPORT: (Role.ADMIN, Role.CASE_WORKER),
    Ability.AUDIT: (Role.ADMIN, Role.AUDITOR),
    Ability.ADMINISTER: (Role.ADMIN,),
}


def codes(*, user: AbstractBaseUser | AnonymousUser, ability: Ability) -> set[str]:
    return municipality_codes_for(user=user, roles=ROLES[ability])


def codes_or_403(*, user: AbstractBaseUser | AnonymousUser, ability: Ability) -> set[str]:
    """The user's municipalities for `ability`; a user with none gets 403 (they may not use this
    page at all), whereas a receipt outside them is a 404 (they may not learn it exists)."""
    found = codes(user=user, ability=ability)
    if not found:
        raise PermissionDenied
    return found


def applications(*, municipality_codes: set[str]) -> QuerySet[Application]:
    return applications_for_municipalities(municipality_codes=municipality_codes)


def abilities(*, user: AbstractBaseUser | AnonymousUser) -> set[Ability]:
    return {ability for ability in Ability if codes(user=user, ability=ability)}


def staff_for(*, municipality_code: str) -> list[User]:
    """Who an application of this municipality can be assigned to (case workers, admins)."""
    return account_selectors.staff_for(
        municipality_code=municipality_code, roles=ROLES[Ability.PROCESS]
    )
