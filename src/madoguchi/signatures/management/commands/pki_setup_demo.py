from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.signatures.services import pki_reset_demo, pki_setup_demo


class Command(BaseCommand):
    help = (
        "Create the development JPKI-like hierarchy if missing and issue a virtual My Number Card "
        "to every demo resident who lacks one (idempotent; development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the development PKI and all cards first (e.g. after SECRET_KEY changed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError(
                "The demo PKI keeps private keys in the database and has well-known PINs; it is "
                f"refused when MADOGUCHI_ENV is {settings.ENVIRONMENT!r}."
            )
        if options["reset"]:
            pki_reset_demo()
        self.stdout.write(str(pki_setup_demo()))
