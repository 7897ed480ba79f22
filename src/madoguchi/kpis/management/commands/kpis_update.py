import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.kpis.aggregates import aggregates_update
from madoguchi.kpis.opendata import snapshot_write


class Command(BaseCommand):
    help = (
        "Add the status changes recorded since the last run to the figures' aggregates "
        "(incremental, by id), and write today's open-data snapshot if it is missing. Run it "
        "periodically, or with --every (as `make run` does)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep running and update every SECONDS",
        )
        parser.add_argument(
            "--no-snapshot", action="store_true", help="do not write the daily snapshot"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            while True:
                result = aggregates_update()
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        f"kpis: {result.events} status changes read, {result.counted} counted, "
                        f"{result.excluded} excluded (test key or demo), watermark "
                        f"{result.last_id}"
                    )
                if not options["no_snapshot"]:
                    written = snapshot_write()
                    if written is not None and options["verbosity"] >= 1:
                        self.stdout.write(f"kpis: open-data snapshot {written}")
                if not options["every"]:
                    return
                time.sleep(options["every"])
        except KeyboardInterrupt:  # Ctrl-C on `make run` reaches every process of the group
            return
