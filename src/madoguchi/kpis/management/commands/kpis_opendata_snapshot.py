from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.kpis.opendata import snapshot_write


class Command(BaseCommand):
    help = "Write today's dated open-data snapshot (catalog.csv, catalog.json) unless it exists."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="write it again")

    def handle(self, *args: Any, **options: Any) -> None:
        written = snapshot_write(force=options["force"])
        self.stdout.write(f"written: {written}" if written else "today's snapshot exists")
