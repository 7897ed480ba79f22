"""Revoke an API key by its prefix (as listed by api_key_rotate and the admin)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.api.models import ApiKey
from madoguchi.api.services import api_key_revoke


class Command(BaseCommand):
    help = "Revoke an API key (effective within API_KEY_CACHE_SECONDS on every server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="the key's first characters, e.g. mdg_live_Ab3dE9x")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = list(ApiKey.objects.select_related("client").filter(prefix=options["prefix"]))
        if len(keys) != 1:
            raise CommandError(f"{len(keys)} keys have the prefix {options['prefix']!r}")
        key = api_key_revoke(key=keys[0], actor_label="manage.py api_key_revoke")
        self.stdout.write(f"revoked {key.prefix}… of {key.client.client_id} at {key.revoked_at}")
