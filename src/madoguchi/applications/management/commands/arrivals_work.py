"""Examine arrived applications (到達 → 受付 or 受付不可) until stopped: `make run` starts one
(ARRIVAL_WORKERS sets how many); start more beside it on PostgreSQL, where each claims its own
arrival with SKIP LOCKED. `--drain` examines what is waiting and ends (tests, benchmarks)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from madoguchi.applications.arrivals import arrival_work_one


class Command(BaseCommand):
    help = "Examine arrived applications: give each its receipt number or its refusal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--drain", action="store_true", help="end when none is waiting")
        parser.add_argument(
            "--idle", type=float, default=0.1, help="seconds to wait when none is waiting"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        examined = 0
        while not stopping:
            try:
                arrival = arrival_work_one()
            except Exception as error:  # the database went away: wait, reconnect, go on
                self.stderr.write(f"arrivals_work: {error}")
                close_old_connections()
                time.sleep(1)
                continue
            if arrival is not None:
                examined += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{arrival.number} {arrival.state}", ending="\n")
                    self.stdout.flush()
                continue
            if options["drain"]:
                break
            time.sleep(options["idle"])
        if options["verbosity"] > 1:
            self.stdout.write(f"examined {examined} arrivals")
