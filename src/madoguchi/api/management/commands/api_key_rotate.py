"""Issue a new key for a client; its other keys stay valid until revoked (api_key_revoke)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.api.models import ApiClient, Mode
from madoguchi.api.services import api_key_issue


class Command(BaseCommand):
    help = "Issue a new API key for a client (rotation: revoke the old one once deployed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id")
        parser.add_argument("--mode", choices=Mode.values, default=Mode.LIVE)
        parser.add_argument("--label", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        client = ApiClient.objects.filter(client_id=options["client_id"]).first()
        if client is None:
            raise CommandError(f"no client {options['client_id']!r}")
        issued = api_key_issue(
            client=client,
            mode=options["mode"],
            label=options["label"],
            actor_label="manage.py api_key_rotate",
        )
        self.stdout.write(f"new {issued.key.mode} key (shown only now): {issued.raw}")
        others = client.keys.filter(mode=issued.key.mode, revoked_at__isnull=True).exclude(
            pk=issued.key.pk
        )
        for key in others:
            self.stdout.write(
                f"still valid until revoked: {key.prefix}…  (api_key_revoke {key.prefix})"
            )
