from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfinfoConfig(AppConfig):
    name = "madoguchi.selfinfo"
    verbose_name = _("Self-information API")

    def ready(self) -> None:
        # The development IdP shares django-oauth-toolkit's tables: it must not serve the
        # private services' clients (docs/adr/0013-selfinfo-oauth-12.md).
        from madoguchi.idp.clients import foreign_client_check_register

        from .selectors import is_service_application

        foreign_client_check_register(is_service_application)
