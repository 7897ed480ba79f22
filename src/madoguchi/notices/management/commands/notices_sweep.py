from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from madoguchi.notices.delivery import deliveries_sweep


class Command(BaseCommand):
    help = (
        "Retry notice e-mails that are due, re-queue those whose task was lost, and put a send "
        "interrupted by a crash back once (docs/notices.md). Once, or every N seconds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = deliveries_sweep()
            if options["verbosity"]:
                self.stdout.write(f"{count} deliveries enqueued")
            if not options["every"]:
                return
            time.sleep(options["every"])
