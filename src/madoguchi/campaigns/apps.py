from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "madoguchi.campaigns"
    label = "campaigns"
    verbose_name = "Benefit campaigns"

    def ready(self) -> None:
        from . import notify

        notify.templates_register()
