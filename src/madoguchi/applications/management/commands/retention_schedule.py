"""Queue the daily retention run (idempotent; `make run` calls it on start)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.applications.retention import next_run_at, retention_schedule


class Command(BaseCommand):
    help = "Queue the daily retention task (django-tasks) unless it is queued already."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = retention_schedule()
        if options["verbosity"] < 1:
            return
        if queued:
            self.stdout.write(f"Retention task queued for {next_run_at():%Y-%m-%d %H:%M %Z}.")
        else:
            self.stdout.write("Retention task already queued (or the task backend cannot defer).")
