"""The operator admin's app config: Django's admin on the operator site, with the model policy
applied once every app has registered its models (madoguchi/config/admin_site.py)."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ImproperlyConfigured


class OperatorAdminConfig(AdminConfig):
    default_site = "madoguchi.config.admin_site.OperatorAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin.py registers its models
        from django.contrib import admin

        from madoguchi.config.admin_site import MODEL_POLICY, REFUSED

        for model in list(admin.site._registry):
            label = model._meta.label
            if label in REFUSED:
                admin.site.unregister(model)
            elif label not in MODEL_POLICY:
                raise ImproperlyConfigured(
                    f"{label} is registered in the operator admin without a decision: add it to "
                    "MODEL_POLICY (why an operator needs it) or REFUSED in "
                    "madoguchi/config/admin_site.py, and to docs/operations.md."
                )
