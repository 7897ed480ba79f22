"""Staff accounts in the operator admin (madoguchi/config/admin_site.py).

Residents and households are deliberately not registered: the operator admin holds no resident
data (docs/operations.md). Users who are residents (signed in through OpenID Connect, no staff
role) are filtered out of the user list, so their names never show here either.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from madoguchi.accounts.models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        staff = Q(is_staff=True) | Q(is_superuser=True) | Q(memberships__isnull=False)
        return super().get_queryset(request).filter(staff, resident__isnull=True).distinct()
