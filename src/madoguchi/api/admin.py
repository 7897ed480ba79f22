"""Operators' view of API clients: register, rotate and revoke keys (a new key is shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from madoguchi.api.models import ApiClient, ApiKey, Mode
from madoguchi.api.services import api_key_issue, api_key_revoke


class ApiKeyInline(admin.TabularInline[ApiKey, ApiClient]):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ("prefix", "mode", "label", "created_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _issue(request: HttpRequest, queryset: QuerySet[ApiClient], mode: str) -> None:
    for client in queryset:
        issued = api_key_issue(client=client, mode=mode, actor_label=request.user.get_username())
        messages.warning(
            request,
            _("New %(mode)s key for %(client)s (shown only now): %(key)s")
            % {"mode": mode, "client": client.client_id, "key": issued.raw},
        )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin[ApiClient]):
    list_display = ("client_id", "name", "scopes", "rate", "is_active", "created_at")
    search_fields = ("client_id", "name")
    inlines = [ApiKeyInline]
    actions = ["issue_test_key", "issue_live_key"]

    @admin.action(description=_("Issue a new test key (rotation)"))
    def issue_test_key(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        _issue(request, queryset, Mode.TEST)

    @admin.action(description=_("Issue a new live key (rotation)"))
    def issue_live_key(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        _issue(request, queryset, Mode.LIVE)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ("prefix", "client", "mode", "label", "created_at", "revoked_at")
    list_filter = ("mode", "revoked_at")
    readonly_fields = ("client", "mode", "prefix", "key_sha256", "created_at", "revoked_at")
    fields = ("client", "mode", "prefix", "label", "key_sha256", "created_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are issued from the client (action) so the raw key is shown once

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.select_related("client"):
            api_key_revoke(key=key, actor_label=request.user.get_username())
        messages.success(request, _("Revoked."))
