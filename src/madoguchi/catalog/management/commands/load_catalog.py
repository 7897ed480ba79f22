from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.catalog.services import catalog_demo_offerings_load, catalog_load


class Command(BaseCommand):
    help = (
        "Load the standard procedures and life events (idempotent); --demo adds the demo offerings."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="also load the offerings of 千代田区 and 東京都 (development only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(catalog_load()))
        if options["demo"]:
            if not settings.IS_DEVELOPMENT:
                raise CommandError("Demo offerings are refused outside development.")
            self.stdout.write("demo " + str(catalog_demo_offerings_load()))
