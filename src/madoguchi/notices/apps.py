from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "madoguchi.notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # The platform's own template and segment; higher apps register theirs in their ready().
        from madoguchi.notices import builtin

        builtin.register()
