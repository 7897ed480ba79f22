"""Benchmark: streaming exports of received applications — throughput and peak memory.

Builds its own database (SQLite under a temporary folder, or PostgreSQL when DATABASE_URL is
set) with N received applications of 千代田区's 罹災証明書 (answers from the preset's sample,
names rotating through the demo residents, 𠮷 and the IVS of 葛󠄀城 included), then streams each
export format to /dev/null through the same code the console uses, measuring rows per second and
the peak of Python allocations (tracemalloc) and of the process (ru_maxrss).

    .venv/bin/python bench/reception_export.py --rows 100000
    DATABASE_URL=postgres://… .venv/bin/python bench/reception_export.py --rows 100000
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
if "DATABASE_URL" not in os.environ:
    os.environ["MADOGUCHI_VAR_DIR"] = tempfile.mkdtemp(prefix="madoguchi-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from madoguchi.accounts.services import demo_data_load  # noqa: E402
from madoguchi.applications.models import Application  # noqa: E402
from madoguchi.applications.receipts import receipt_number_new  # noqa: E402
from madoguchi.applications.selectors import applications_for_municipalities  # noqa: E402
from madoguchi.catalog.services import catalog_demo_offerings_load, catalog_load  # noqa: E402
from madoguchi.forms import presets  # noqa: E402
from madoguchi.forms.services import form_adopt_preset, form_publish  # noqa: E402
from madoguchi.municipalities.services import municipality_master_load  # noqa: E402
from madoguchi.reception.exports import FORMATS, export_prepare  # noqa: E402

NAMES = [
    ({"family": "𠮷田", "given": "太郎"}, {"family": "ヨシダ", "given": "タロウ"}),
    ({"family": "葛\U000e0100城", "given": "健"}, {"family": "カツラギ", "given": "ケン"}),
    ({"family": "髙橋", "given": "一郎"}, {"family": "タカハシ", "given": "イチロウ"}),
    ({"family": "山﨑", "given": "美咲"}, {"family": "ヤマサキ", "given": "ミサキ"}),
    ({"family": "佐藤", "given": "次郎"}, {"family": "サトウ", "given": "ジロウ"}),
]


class Null:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)


def build(rows: int) -> None:
    call_command("migrate", verbosity=0)
    municipality_master_load()
    demo_data_load()
    catalog_load()
    catalog_demo_offerings_load()
    version = form_publish(
        municipal_form=form_adopt_preset(
            municipality_code="131016", procedure_code="disaster-certificate", actor=None
        ),
        actor=None,
    )
    sample = presets.preset_get("disaster-certificate").samples[0]  # type: ignore[union-attr]
    now = timezone.now()
    batch = []
    numbers: set[str] = set()
    for index in range(rows):
        answers = copy.deepcopy(sample)
        name, kana = NAMES[index % len(NAMES)]
        answers["applicant.name"], answers["applicant.name_kana"] = name, kana
        number = receipt_number_new()
        while number in numbers:
            number = receipt_number_new()
        numbers.add(number)
        batch.append(
            Application(
                receipt_number=number,
                municipality_id="131016",
                procedure_code="disaster-certificate",
                form_version=version,
                status="submitted",
                answers=answers,
                raw_answers=answers,
                submitted_at=now,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Application.objects.bulk_create(batch)
            batch.clear()
    with transaction.atomic():
        Application.objects.bulk_create(batch)


def measure(fmt_key: str, *, trace: bool) -> tuple[int, float, float, int]:
    """Throughput without tracing (tracemalloc slows Python ~2x), peak memory with it."""
    queryset = applications_for_municipalities(municipality_codes=["131016"])
    fmt = FORMATS[fmt_key]
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    export = export_prepare(queryset=queryset)
    sink = Null()
    for chunk in fmt.render(export):
        sink.write(chunk)
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return queryset.count(), elapsed, peak / 2**20, sink.size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.rows)
    print(
        f"database: {connection.vendor}; built {args.rows} applications in "
        f"{time.perf_counter() - started:.0f} s"
    )
    print("| format | rows | seconds | rows/s | peak Python allocations | output |")
    print("|---|---|---|---|---|---|")
    for key in FORMATS:
        rows, elapsed, _peak, size = measure(key, trace=False)
        _rows, _elapsed, peak_mib, _size = measure(key, trace=True)
        print(
            f"| {key} | {rows} | {elapsed:.1f} | {rows / elapsed:,.0f} | {peak_mib:.1f} MiB | "
            f"{size / 2**20:.0f} MiB |"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (building included): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
