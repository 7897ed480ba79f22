from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdpConfig(AppConfig):
    name = "madoguchi.idp"
    verbose_name = _("Development identity provider")
