"""Queue portal webhook deliveries that are due (retries after back-off, catch-up after an
outage of the task worker)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from madoguchi.api.webhooks import sweep


class Command(BaseCommand):
    help = "Enqueue due portal webhook deliveries; with --loop, every --interval seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = sweep()
            if count or not options["loop"]:
                self.stdout.write(f"portal webhooks: {count} delivery(ies) enqueued")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
