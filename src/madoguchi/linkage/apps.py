from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "madoguchi.linkage"
    verbose_name = _("Data linkage")
