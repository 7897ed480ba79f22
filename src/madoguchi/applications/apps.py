from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "madoguchi.applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        # お知らせ templates and staff segments of applications (madoguchi.notices registries).
        from madoguchi.applications import notices

        notices.register()
