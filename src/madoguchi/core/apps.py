from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "madoguchi.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from madoguchi.core.i18n import register_language_info

        register_language_info()
