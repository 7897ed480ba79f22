from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.accounts.services import demo_data_load


class Command(BaseCommand):
    help = "Load the demo staff users and synthetic residents of 千代田区 (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError(
                "Demo data has well-known passwords; it is refused when MADOGUCHI_ENV is "
                f"{settings.ENVIRONMENT!r}."
            )
        self.stdout.write(str(demo_data_load()))
