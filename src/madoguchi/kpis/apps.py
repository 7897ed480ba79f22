from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "madoguchi.kpis"
    verbose_name = _("Figures and open data")
