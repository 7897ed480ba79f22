"""Create an API credential for a municipality's core system; prints the token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.reception.services import api_credential_create


class Command(BaseCommand):
    help = "Create a pull-API credential for a municipality and print its token (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality_code", help="6-digit local government code, e.g. 131016")
        parser.add_argument("--name", default="core system", help="what the credential is for")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["municipality_code"]
        if municipality_selectors.municipality_get(code=code) is None:
            raise CommandError(f"unknown local government code {code!r}")
        new = api_credential_create(municipality_code=code, name=options["name"])
        self.stdout.write(
            f"credential {new.credential.prefix}… for {code} ({options['name']})\n"
            f"token (store it now; it is not shown again):\n{new.token}"
        )
