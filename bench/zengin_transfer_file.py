"""The 全銀協 総合振込 file of a benefit run (core.zengin): write 45,000 data records to a real
file, then parse it back record by record with every check (lengths, order, trailer count and
total). Time and peak Python memory (tracemalloc) of each; both must stay flat as the count grows
(streamed), so it is run at 4,500 and at 45,000 records.

    .venv/bin/python bench/zengin_transfer_file.py [--records 45000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=45_000)
    args = parser.parse_args()
    import django

    django.setup()
    from madoguchi.core import zengin

    header = zengin.TransferHeader(
        requester_code="1310160001",
        requester_name_kana=zengin.to_zengin_kana("チヨダク"),
        transfer_date=datetime.date.today() + datetime.timedelta(days=7),
        bank_code="0001",
        bank_name_kana="ﾐｽﾞﾎ",
        branch_code="001",
        branch_name_kana="ﾄｳｷﾖｳ",
        account_type=zengin.ACCOUNT_CURRENT,
        account_number="1234567",
    )
    banks = zengin.banks_search("0", limit=50)  # codes starting 0: the banks
    names = [
        zengin.to_zengin_kana(n) for n in ("やまだ　たろう", "さとう　きょうこ", "ヴァン　ハットリ")
    ]

    def records(n: int) -> Iterator[zengin.TransferRecord]:
        for i in range(n):
            bank = banks[i % len(banks)]
            yield zengin.TransferRecord(
                bank_code=bank.code,
                bank_name_kana=bank.zengin_kana,
                branch_code=f"{i % 900 + 100:03d}",
                branch_name_kana="ｼﾃﾝ",
                account_type=(1, 2, 4)[i % 3],
                account_number=f"{i % 10_000_000:07d}",
                recipient_kana=names[i % len(names)],
                amount=70_000 + (i % 5) * 50_000,
                customer_code=f"{i:010d}",
            )

    def run(n: int, path: Path, *, traced: bool) -> tuple[float, int, float, int, int, int]:
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        with path.open("wb") as out:
            totals = zengin.write_transfer_file(header, records(n), out)
        write_s = time.perf_counter() - started
        write_peak = tracemalloc.get_traced_memory()[1] if traced else 0
        if traced:
            tracemalloc.reset_peak()
        started = time.perf_counter()
        count = amount = 0
        with path.open("rb") as fp:
            for item in zengin.parse_transfer_file(fp):
                if isinstance(item, zengin.TransferRecord):
                    count += 1
                    amount += item.amount
        parse_s = time.perf_counter() - started
        parse_peak = tracemalloc.get_traced_memory()[1] if traced else 0
        if traced:
            tracemalloc.stop()
        assert (count, amount) == (totals.count, totals.amount)
        return write_s, write_peak, parse_s, parse_peak, path.stat().st_size, amount

    for n in sorted({args.records // 10, args.records}):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sogo.txt"
            # Time without tracemalloc (it slows Python several-fold), memory in a second run.
            write_s, _, parse_s, _, size, amount = run(n, path, traced=False)
            _, write_peak, _, parse_peak, _, _ = run(n, path, traced=True)
        print(
            f"{n:>6} records, {size / 1e6:.1f} MB, total {amount:,} yen: "
            f"write {write_s:.2f} s (peak {write_peak / 1024:.0f} KiB), "
            f"parse {parse_s:.2f} s (peak {parse_peak / 1024:.0f} KiB)"
        )


if __name__ == "__main__":
    main()
