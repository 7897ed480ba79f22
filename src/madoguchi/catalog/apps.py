from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "madoguchi.catalog"
    verbose_name = _("Procedure catalog")

    def ready(self) -> None:
        from madoguchi.catalog.models import Offering
        from madoguchi.catalog.selectors import application_limit_cache

        def forget(**_kwargs: Any) -> None:
            application_limit_cache.clear()

        post_save.connect(forget, sender=Offering, weak=False, dispatch_uid="catalog_limit_save")
        post_delete.connect(forget, sender=Offering, weak=False, dispatch_uid="catalog_limit_del")
