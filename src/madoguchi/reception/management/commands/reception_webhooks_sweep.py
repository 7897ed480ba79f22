"""Queue webhook deliveries that are due (retries after backoff, catch-up after an outage)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from madoguchi.reception.webhooks import sweep


class Command(BaseCommand):
    help = "Enqueue due webhook deliveries; with --loop, every --interval seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = sweep()
            if count or not options["loop"]:
                self.stdout.write(f"webhooks: {count} delivery(ies) enqueued")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
