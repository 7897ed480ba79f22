"""Register a private service for the self-information API and print its client credentials.

    manage.py selfinfo_client_create --name "家計簿アプリ" --operator "株式会社まどぐち" \
        --purpose "..." --redirect-uri https://app.example.jp/callback --category tax
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.linkage.types import Category
from madoguchi.selfinfo.services import service_register


class Command(BaseCommand):
    help = "Register a private service (OAuth client) for the self-information API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--operator", required=True, help="who runs the service")
        parser.add_argument("--purpose", required=True, help="shown to residents on consent")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="uris")
        parser.add_argument(
            "--category", action="append", required=True, choices=Category.values, dest="cats"
        )
        parser.add_argument("--public", action="store_true", help="no client secret")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registered = service_register(
                name=options["name"],
                operator=options["operator"],
                purpose=options["purpose"],
                redirect_uris=options["uris"],
                categories=options["cats"],
                confidential=not options["public"],
                actor_label="manage.py selfinfo_client_create",
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "client_id": registered.client_id,
                        "client_secret": registered.client_secret,
                        "scopes": [f"selfinfo:{c}" for c in registered.service.categories],
                    }
                )
            )
            return
        self.stdout.write(f"client_id: {registered.client_id}")
        if registered.client_secret:
            self.stdout.write(f"client_secret: {registered.client_secret}  (shown only now)")
        self.stdout.write(
            "scopes: " + " ".join(f"selfinfo:{c}" for c in registered.service.categories)
        )
