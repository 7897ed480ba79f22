from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicFundsConfig(AppConfig):
    name = "madoguchi.publicfunds"
    label = "publicfunds"
    verbose_name = _("Public funds receipt account")
