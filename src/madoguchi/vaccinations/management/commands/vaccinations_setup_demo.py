from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.vaccinations.services import demo_data_load


class Command(BaseCommand):
    help = "The demo clinic (chiyoda-clinic), vouchers and a few records for the demo residents."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError("Demo data is refused outside development.")
        self.stdout.write(str(demo_data_load()))
