"""Scan every pending (quarantined) attachment again now, e.g. once clamd is back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.applications.scanning import attachments_rescan_pending


class Command(BaseCommand):
    help = "Scan every attachment still pending a virus scan again (docs/scanning.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = attachments_rescan_pending()
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none"
        self.stdout.write(f"Pending attachments scanned again: {summary}")
