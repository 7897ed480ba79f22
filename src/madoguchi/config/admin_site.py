"""The operator admin (Django admin at settings.ADMIN_URL): the staff sign-in, audited, minimal.

* Sign-in is the staff console's: password, then the TOTP code (django-otp), with django-axes
  counting failures of either. The admin's own password form is never served — its login URL
  forwards to the step the session has not passed yet — so there is no second way in.
* Only platform operators get in: an active `is_staff` user who is a superuser or the national
  administrator, in a session verified by TOTP. Municipal staff use the console, not the admin.
* Every admin request that gets through is audited (`admin.viewed` / `admin.submitted`, with the
  model, the object id and the query string), so a look at a staff account, a TOTP device or an
  audit event leaves a trace like a look at an application does in the console.
* What is registered is a decision per model (MODEL_POLICY, docs/operations.md): residents,
  households and the identity provider's tokens — residents' data — are not in the admin at all.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

# Every model the operator admin shows, and why an operator needs it. A model that an app
# registers but that is in neither MODEL_POLICY nor REFUSED stops the start-up (see
# madoguchi.config.apps.OperatorAdminConfig), so a new registration is a decision, not an accident.
MODEL_POLICY: dict[str, str] = {
    "accounts.User": "staff accounts and their memberships; residents' users are filtered out",
    "auth.Group": "permission groups for operators and national administrators",
    "otp_totp.TOTPDevice": "reset a lost authenticator (the key is never shown again)",
    "axes.AccessAttempt": "see and lift a staff lockout",
    "axes.AccessLog": "staff sign-in history (user name, address, time)",
    "axes.AccessFailureLog": "failed staff sign-ins",
    "audit.AuditEvent": "read-only look at the audit chain (national chain and all others)",
    "municipalities.Municipality": "the national master (no personal data)",
    "catalog.Procedure": "standard procedures (no personal data)",
    "catalog.Offering": "municipal offerings (no personal data)",
    "catalog.LifeEvent": "life events of the catalogue (no personal data)",
    "api.ApiClient": "third-party portals and their key rotation (no personal data)",
    "api.ApiKey": "API key prefixes and revocation (only hashes are stored)",
    "oauth2_provider.Application": "OpenID Connect clients of the development IdP",
    "selfinfo.Service": "private services of the self-information API and their OAuth clients",
    "django_tasks_database.DBTaskResult": "read-only task queue state (ids, status, errors)",
}

# Registered by an app, removed here: residents' data, which no operator task needs.
REFUSED: dict[str, str] = {
    "accounts.Resident": "resident registry data; municipalities see it through the console",
    "accounts.Household": "resident registry data",
    "oauth2_provider.AccessToken": "residents' sign-in tokens",
    "oauth2_provider.RefreshToken": "residents' sign-in tokens",
    "oauth2_provider.IDToken": "residents' identity tokens (claims of a person)",
    "oauth2_provider.Grant": "residents' authorization codes",
}


def is_operator(user: Any) -> bool:
    from madoguchi.accounts.selectors import is_national_admin

    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or is_national_admin(user=user))


class OperatorAdminSite(admin.AdminSite):
    site_header = _("Madoguchi operations")
    site_title = _("Madoguchi operations")
    index_title = _("Operations")

    def has_permission(self, request: HttpRequest) -> bool:
        from madoguchi.accounts.staff_auth import is_verified

        return is_operator(request.user) and is_verified(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """The staff sign-in, never a password-only form: on to the step not yet passed."""
        from madoguchi.accounts.staff_auth import is_verified

        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse("accounts:staff-login"))
        if not is_verified(request):
            return redirect(f"{reverse('accounts:staff-otp')}?{urlencode({'next': next_url})}")
        if not is_operator(request.user):
            raise PermissionDenied
        return redirect(next_url)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        model = getattr(model_admin, "model", None)
        object_type = model._meta.label if model is not None else ""

        @wraps(inner)
        def audited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            allowed = self.has_permission(request)
            response: HttpResponseBase = inner(request, *args, **kwargs)
            if allowed:
                _audit(request, object_type=object_type, object_id=kwargs.get("object_id", ""))
            return response

        return audited


def _audit(request: HttpRequest, *, object_type: str, object_id: Any) -> None:
    from madoguchi.audit.services import audit_record

    match = request.resolver_match
    audit_record(
        action="admin.viewed" if request.method in {"GET", "HEAD"} else "admin.submitted",
        actor=request.user,
        object_type=object_type,
        object_id=str(object_id or ""),
        data={
            "view": match.url_name if match else "",
            "method": request.method,
            "query": request.GET.urlencode(),
        },
    )
