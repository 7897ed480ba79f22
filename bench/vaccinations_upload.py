"""Benchmark: a clinic's 100,000-row CSV upload — time per step and peak memory.

Builds its own database (SQLite under a temporary folder, or PostgreSQL with DATABASE_URL):
the master, the demo clinic, and ROWS/2 synthetic residents of 千代田区 with vouchers. Writes a
cp932 CSV of ROWS rows (two doses each; one row in 200 has an error), then runs the clinic's
path: `upload_receive` (SHA-256 while storing), the check (`checking.upload_check`: encoding pass,
staged rows, checks across rows) and `upload_import` (confirmed partial: the rows without errors,
one transaction). The check runs once untimed-traced for speed, then again under tracemalloc for
the peak of Python allocations; ru_maxrss is the process's peak.

    .venv/bin/python bench/vaccinations_upload.py --rows 100000
"""

from __future__ import annotations

import argparse
import datetime
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
# The check runs in this process (the immediate backend), as the worker would run it.
os.environ.setdefault("MADOGUCHI_ENV", "development")
# As the worker runs in production: DEBUG keeps every query's SQL (bulk inserts included).
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402

from madoguchi.accounts.models import Household, Resident  # noqa: E402
from madoguchi.accounts.services import demo_data_load as accounts_demo  # noqa: E402
from madoguchi.municipalities.services import municipality_master_load  # noqa: E402
from madoguchi.vaccinations import checking, services  # noqa: E402
from madoguchi.vaccinations.models import Clinic, Record, Voucher  # noqa: E402
from madoguchi.vaccinations.types import UploadStatus  # noqa: E402

CHIYODA = "131016"
HEADER = "市区町村コード,接種券番号,接種日,ワクチン,ロット番号,接種回数,医療機関コード"
NAMES = ["佐藤", "鈴木", "髙橋", "田中", "渡辺"]  # 髙 is in cp932 (IBM extension)


def build(people: int) -> None:
    call_command("migrate", verbosity=0)
    municipality_master_load()
    accounts_demo()
    services.demo_data_load()
    with transaction.atomic():
        households = Household.objects.bulk_create(
            [Household(municipality_id=CHIYODA, code=f"B{i:07d}") for i in range(people)],
            batch_size=2000,
        )
        residents = Resident.objects.bulk_create(
            [
                Resident(
                    municipality_id=CHIYODA,
                    household=household,
                    is_householder=True,
                    relationship="世帯主",
                    family_name=NAMES[i % len(NAMES)],
                    given_name=f"太郎{i}",
                    family_name_kana="ベンチ",
                    given_name_kana="タロウ",
                    birth_date=datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000),
                    gender="1",
                    postal_code="1000001",
                    address="東京都千代田区千代田1番1号",
                )
                for i, household in enumerate(households)
            ],
            batch_size=2000,
        )
        if connection.vendor == "sqlite":  # bulk_create sets no pks on older SQLite
            residents = list(
                Resident.objects.filter(household__code__startswith="B").order_by("pk")
            )
        Voucher.objects.bulk_create(
            [
                Voucher(municipality_id=CHIYODA, resident=r, number=f"9{i:09d}")
                for i, r in enumerate(residents)
            ],
            batch_size=2000,
        )


def write_csv(path: Path, rows: int) -> int:
    errors = 0
    site = services.DEMO_CLINIC_CODE
    with path.open("w", encoding="cp932", newline="") as out:
        out.write(HEADER + "\r\n")
        for n in range(rows):
            person, dose = divmod(n, 2)
            day = datetime.date(2025, 10, 1) + datetime.timedelta(days=(person % 60) + dose * 28)
            product = "comirnaty"
            if n % 200 == 199:
                product = "unknown-vaccine"
                errors += 1
            lot = f"FA{person % 997:04d}"
            out.write(f"{CHIYODA},9{person:09d},{day},{product},{lot},{dose + 1},{site}\r\n")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.rows // 2 + 1)
    print(f"built {args.rows // 2 + 1} residents in {time.perf_counter() - started:.1f} s")
    folder = Path(tempfile.mkdtemp(prefix="madoguchi-bench-csv-"))
    path = folder / "doses.csv"
    bad = write_csv(path, args.rows)
    size = path.stat().st_size
    print(f"file: {args.rows} rows, {size / 2**20:.1f} MiB cp932, {bad} rows with an error planted")

    clinic = Clinic.objects.get(code=services.DEMO_CLINIC_CODE)
    user = get_user_model().objects.get(username=services.DEMO_CLINIC_USER)
    timings: dict[str, float] = {}
    with translation.override("ja"):
        t = time.perf_counter()
        received = services.upload_receive(
            clinic=clinic, user=user, file=SimpleUploadedFile("doses.csv", path.read_bytes())
        )
        timings["receive (hash, store)"] = time.perf_counter() - t
        t = time.perf_counter()
        upload = checking.upload_check(upload_id=received.upload.pk)
        timings["check (read, stage, across rows)"] = time.perf_counter() - t
        assert upload.status == UploadStatus.CHECKED, upload.problem
        assert upload.rows_total == args.rows, upload.rows_total
        assert upload.rows_with_errors == bad, upload.rows_with_errors
        tracemalloc.start()
        checking.upload_check(upload_id=upload.pk)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        upload.refresh_from_db()
        t = time.perf_counter()
        services.upload_import(upload=upload, user=user, partial=True)
        timings["import (one transaction)"] = time.perf_counter() - t
    imported = Record.objects.filter(upload=upload).count()
    assert imported == args.rows - bad
    print(f"database: {connection.vendor}")
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.1f} s ({args.rows / seconds:,.0f} rows/s)")
    print(f"peak Python allocations during the check (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"registered: {imported}")


if __name__ == "__main__":
    main()
