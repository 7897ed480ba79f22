"""Register an API client and print its first test and live keys (shown only this once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.api.services import ClientError, api_client_create


class Command(BaseCommand):
    help = "Register an API client (third-party portal) with a test and a live key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id", help="a slug, e.g. acme-portal")
        parser.add_argument("--name", required=True)
        parser.add_argument("--scopes", default="search,apply", help="search,apply,reception")
        parser.add_argument("--rate", default=None, help="e.g. 600/minute; empty for no limit")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--reception-municipalities", default="", help="codes, for the reception scope"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client, test, live = api_client_create(
                client_id=options["client_id"],
                name=options["name"],
                scopes=[s.strip() for s in options["scopes"].split(",") if s.strip()],
                contact_email=options["email"],
                rate=options["rate"],
                reception_municipality_codes=[
                    c.strip() for c in options["reception_municipalities"].split(",") if c.strip()
                ],
                actor_label="manage.py api_client_create",
            )
        except ClientError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"client {client.client_id}: scopes={','.join(client.scopes)}")
        self.stdout.write("Keys are shown only now; store them in the portal's secret store.")
        self.stdout.write(f"test key: {test.raw}")
        self.stdout.write(f"live key: {live.raw}")
