from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "madoguchi.api"
    verbose_name = "API"

    def ready(self) -> None:
        from madoguchi.api.arrivals import DRAFT_KIND, KIND, examine_api_draft, examine_api_signed
        from madoguchi.applications.arrivals import arrival_handler_register

        # The workers examine the API's arrivals with what the synchronous path ran.
        arrival_handler_register(KIND, examine_api_signed)
        arrival_handler_register(DRAFT_KIND, examine_api_draft)
        # The portal's webhook: its delivery is written with the arrival's outcome.
        from madoguchi.api import signals  # noqa: F401
