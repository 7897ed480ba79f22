from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplyConfig(AppConfig):
    name = "madoguchi.apply"
    verbose_name = _("Online application (residents)")
