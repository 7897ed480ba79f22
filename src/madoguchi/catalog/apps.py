from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "madoguchi.catalog"
    verbose_name = _("Procedure catalog")

    def ready(self) -> None:
        from madoguchi.catalog.models import Offering
        from madoguchi.catalog.selectors import LIMITS_GENERATION
        from madoguchi.core.generations import bump

        # In the saving transaction: every process's limit cache reloads once it commits.
        def forget(**_kwargs: Any) -> None:
            bump(LIMITS_GENERATION)

        post_save.connect(forget, sender=Offering, weak=False, dispatch_uid="catalog_limit_save")
        post_delete.connect(forget, sender=Offering, weak=False, dispatch_uid="catalog_limit_del")
