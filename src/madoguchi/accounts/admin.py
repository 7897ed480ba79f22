from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from madoguchi.accounts.models import Household, Membership, Resident, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    inlines = [MembershipInline]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin[Resident]):
    list_display = ("family_name", "given_name", "municipality", "household", "birth_date")
    list_filter = ("municipality",)


admin.site.register(Household)
