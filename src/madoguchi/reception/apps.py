from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "madoguchi.reception"
    verbose_name = _("Reception")

    def ready(self) -> None:
        from madoguchi.reception import signals  # noqa: F401  (registration)
