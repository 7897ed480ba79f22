from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplyConfig(AppConfig):
    name = "madoguchi.apply"
    verbose_name = _("Online application (residents)")

    def ready(self) -> None:
        # The staff export (reception) hands out the same PDF copy residents download.
        from madoguchi.applications.documents import copy_renderer_register
        from madoguchi.apply.pdf import application_copy_pdf

        copy_renderer_register(application_copy_pdf)

        # The 公金受取口座 pages (publicfunds, below signin) let in the residents signin does.
        from madoguchi.publicfunds.access import resident_gate_register
        from madoguchi.signin.selectors import resident_claims

        resident_gate_register(lambda request: resident_claims(request) is not None)
