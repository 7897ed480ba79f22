import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.audit.anchors import audit_anchor_publish


class Command(BaseCommand):
    help = (
        "Sign the head of every audit chain and store it outside the database (the "
        "`audit_anchors` storage), so that removing the newest events is detected. Run it "
        "periodically (a timer), or with --every."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep running and publish an anchor every SECONDS (as `make run` does)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: int | None = options["every"]
        try:
            self._publish(every=every, verbosity=options["verbosity"])
        except KeyboardInterrupt:  # Ctrl-C on `make run` reaches every process of the group
            return

    def _publish(self, *, every: int | None, verbosity: int) -> None:
        while True:
            published = audit_anchor_publish()
            if verbosity >= 1:
                self.stdout.write(
                    f"audit anchor {published.name}: {published.chains} chains, "
                    f"{published.events} events"
                )
            if not every:
                return
            time.sleep(every)
