from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.campaigns.models import PaymentFile
from madoguchi.campaigns.progress import ProgressBar
from madoguchi.campaigns.services import payment_file_write


class Command(BaseCommand):
    help = "Write a transfer file (全銀協 総合振込) of a benefit campaign to a path (streaming)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("payment_file", help="the payment file's public id")
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payment_file = PaymentFile.objects.get(public_id=uuid.UUID(options["payment_file"]))
        except (ValueError, PaymentFile.DoesNotExist) as error:
            raise CommandError(f"no payment file {options['payment_file']}") from error
        bar = ProgressBar(self.stdout, total=payment_file.count, label="records")
        with options["path"].open("wb") as out:
            totals = payment_file_write(
                payment_file=payment_file, out=cast("BinaryIO", _Counting(out, bar))
            )
        bar(payment_file.count)
        bar.close()
        self.stdout.write(f"written: {totals.count} records, {totals.amount} yen")


class _Counting:
    """Counts the data records (one write per 120-byte record) for the progress bar."""

    def __init__(self, out: Any, bar: ProgressBar) -> None:
        self.out, self.bar, self.records = out, bar, 0

    def write(self, data: bytes) -> int:
        if data[:1] == b"2":
            self.records += 1
            if self.records % 1000 == 0:
                self.bar(self.records)
        return int(self.out.write(data))

    def flush(self) -> None:
        self.out.flush()
