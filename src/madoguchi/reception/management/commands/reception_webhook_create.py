"""Register a webhook endpoint for a municipality; prints the signing secret once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator

from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.reception.webhooks import endpoint_create


class Command(BaseCommand):
    help = "Register a webhook URL for a municipality and print its HMAC secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality_code")
        parser.add_argument("url")

    def handle(self, *args: Any, **options: Any) -> None:
        code, url = options["municipality_code"], options["url"]
        if municipality_selectors.municipality_get(code=code) is None:
            raise CommandError(f"unknown local government code {code!r}")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise CommandError(f"not a URL: {url}") from error
        endpoint = endpoint_create(municipality_code=code, url=url)
        self.stdout.write(f"endpoint {endpoint.pk} for {code}: {url}\nsecret: {endpoint.secret}")
