"""Print the demo portal's test key (development only): the same key on every run.

export MADOGUCHI_API_KEY=$(.venv/bin/python manage.py api_demo_key)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.api.services import api_demo_key


class Command(BaseCommand):
    help = "Print a test API key of the demo portal (created if needed; development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError("api_demo_key is for development installations only")
        self.stdout.write(api_demo_key())
