from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.notices.delivery import deliveries_sweep


class Command(BaseCommand):
    help = (
        "Retry notice e-mails that are due, re-queue those whose task was lost, and put a send "
        "interrupted by a crash back once (docs/notices.md). Run it every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = deliveries_sweep()
        if options["verbosity"]:
            self.stdout.write(f"{count} deliveries enqueued")
