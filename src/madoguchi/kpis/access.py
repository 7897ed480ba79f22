"""Who sees which figures. Municipal figures: any member of the organisation (scoped by
accounts.selectors.municipality_codes_for, as reception is); counter counts: its administrators
and case workers; adoption across municipalities: the national administrator (everywhere) and
members of a prefecture (their prefecture)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from madoguchi.accounts.selectors import is_national_admin, municipality_codes_for
from madoguchi.accounts.types import Role
from madoguchi.kpis import selectors

if TYPE_CHECKING:
    from madoguchi.accounts.models import User as AccountUser

DASHBOARD_ROLES = (Role.ADMIN, Role.FORM_EDITOR, Role.CASE_WORKER, Role.VIEWER, Role.AUDITOR)
COUNTER_ROLES = (Role.ADMIN, Role.CASE_WORKER)

User = AbstractBaseUser | AnonymousUser


def dashboard_codes(user: User) -> set[str]:
    return municipality_codes_for(user=user, roles=DASHBOARD_ROLES)


def counter_codes(user: User) -> set[str]:
    return municipality_codes_for(user=user, roles=COUNTER_ROLES)


def chosen(request: HttpRequest, codes: set[str], name: str = "municipality") -> str:
    """The organisation asked for (?municipality=), or the user's only/first one; a code that
    is not theirs is a 404 (another municipality's figures do not exist for them)."""
    if not codes:
        raise PermissionDenied
    wanted = request.GET.get(name) or request.POST.get(name)
    if wanted:
        if wanted not in codes:
            raise Http404
        return wanted
    return sorted(codes)[0]


def adoption_scope(user: User) -> list[str] | None:
    """None: the whole country (national administrator); otherwise the prefectures whose
    members the user is. 403 for everyone else."""
    if is_national_admin(user=cast("AccountUser", user)):
        return None
    prefectures = {code for code, _ in selectors.prefecture_list()}
    mine = sorted(municipality_codes_for(user=user) & prefectures)
    if not mine:
        raise PermissionDenied
    return mine
