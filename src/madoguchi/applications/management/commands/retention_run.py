"""Erase the personal data of applications past their retention period (docs/retention.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from madoguchi.applications.retention import retention_run


class Command(BaseCommand):
    help = (
        "Anonymise every application whose retention period (保存期間) ended and that is not on "
        "legal hold. --dry-run lists exactly those applications and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="count the periods as of this day (YYYY-MM-DD), e.g. to preview a later run",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_run(dry_run=options["dry_run"], today=options["today"])
        rows = report.due if report.dry_run else report.anonymised
        if options["verbosity"] >= 1:
            self.stdout.write(
                "receipt\tmunicipality\tprocedure\tstatus\tdecided\tretention\texpired"
            )
            for due in rows:
                self.stdout.write(due.line())
        verb = "would be anonymised" if report.dry_run else "anonymised"
        skipped = len(report.due) - len(rows) if not report.dry_run else 0
        tail = f" ({skipped} skipped: put on hold or erased meanwhile)" if skipped else ""
        self.stdout.write(f"{len(rows)} application(s) {verb}{tail}.")
