"""Benchmark: notices_send_bulk of 45,000 notices (one per household of a benefit campaign) —
time and peak memory; then the same send re-run (every key exists: nothing is sent); then the
e-mail worker's rate over a sample of the queued deliveries.

Builds its own database (SQLite under a temporary folder, or PostgreSQL with DATABASE_URL): the
master and N synthetic residents of 千代田区 with an e-mail address. The send consumes a
generator (as a campaign streams its households) with the django-tasks database backend, as in
production: each batch of 1,000 is one transaction with its notices, deliveries and one task
row. The e-mail sample runs `deliveries_send` in this process with Django's locmem backend (the
cost of claiming, rendering and recording, not of an SMTP server).

    .venv/bin/python bench/notices.py --notices 45000
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
os.environ.setdefault("MADOGUCHI_ENV", "development")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from madoguchi.accounts.models import Household, Resident  # noqa: E402
from madoguchi.municipalities.services import municipality_master_load  # noqa: E402
from madoguchi.notices.delivery import deliveries_send  # noqa: E402
from madoguchi.notices.models import Delivery, Notice  # noqa: E402
from madoguchi.notices.registry import template_register  # noqa: E402
from madoguchi.notices.services import notices_send_bulk  # noqa: E402
from madoguchi.notices.types import DeliveryStatus  # noqa: E402

CHIYODA = "131016"
TEMPLATE = "bench.benefit"


def build(count: int) -> list[int]:
    call_command("migrate", verbosity=0)
    municipality_master_load()
    households = Household.objects.bulk_create(
        Household(municipality_id=CHIYODA, code=f"B{n:07d}") for n in range(count)
    )
    if connection.vendor == "sqlite" and households[0].pk is None:
        households = list(Household.objects.filter(code__startswith="B").order_by("pk"))
    Resident.objects.bulk_create(
        (
            Resident(
                municipality_id=CHIYODA,
                household=household,
                is_householder=True,
                relationship="世帯主",
                family_name="髙橋",
                given_name=f"太郎{n}",
                family_name_kana="タカハシ",
                given_name_kana="タロウ",
                birth_date=datetime.date(1970, 1, 1),
                gender="1",
                postal_code="1000001",
                address="東京都千代田区千代田1番1号",
                email=f"resident{n}@example.jp",
            )
            for n, household in enumerate(households)
        ),
        batch_size=2000,
    )
    return list(Resident.objects.order_by("pk").values_list("pk", flat=True))


def items(resident_ids: list[int], campaign: str):  # type: ignore[no-untyped-def]
    for resident_id in resident_ids:
        yield (
            resident_id,
            {"amount": "70,000", "deadline": "2027年3月31日"},
            f"{campaign}:{resident_id}",
            "/apply/mypage/",
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=45000)
    parser.add_argument("--mail-sample", type=int, default=3000)
    args = parser.parse_args()
    template_register(
        TEMPLATE,
        subject="給付金のお知らせ",
        body="給付額は{amount}円です。{deadline}までに確認してください。",
        variables=["amount", "deadline"],
    )
    started = time.perf_counter()
    resident_ids = build(args.notices)
    print(
        f"database: {connection.vendor}; {len(resident_ids)} residents built in "
        f"{time.perf_counter() - started:.1f} s"
    )

    progress: list[int] = []
    started = time.perf_counter()
    created = notices_send_bulk(
        municipality_id=CHIYODA,
        template=TEMPLATE,
        items=items(resident_ids, "bench"),
        progress=progress.append,
    )
    elapsed = time.perf_counter() - started
    assert created == args.notices == Notice.objects.count() == Delivery.objects.count()
    print(
        f"notices_send_bulk: {created} notices + deliveries + {len(progress)} task rows in "
        f"{elapsed:.1f} s ({created / elapsed:.0f} notices/s)"
    )
    # The same size again (a second campaign's keys) under tracemalloc, for the peak of
    # Python allocations (tracing slows it down, so it is not the timed run).
    tracemalloc.start()
    notices_send_bulk(municipality_id=CHIYODA, template=TEMPLATE, items=items(resident_ids, "b2"))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python allocations during a send (tracemalloc): {peak / 2**20:.1f} MiB")

    started = time.perf_counter()
    again = notices_send_bulk(
        municipality_id=CHIYODA, template=TEMPLATE, items=items(resident_ids, "bench")
    )
    elapsed = time.perf_counter() - started
    assert again == 0
    assert Notice.objects.count() == 2 * args.notices
    print(f"re-run of the same send: {again} created in {elapsed:.1f} s")

    sample = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[: args.mail_sample])
    started = time.perf_counter()
    for start in range(0, len(sample), 1000):
        deliveries_send.call(delivery_ids=sample[start : start + 1000])
    elapsed = time.perf_counter() - started
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    assert sent == len(sample)
    print(
        f"e-mail worker: {sent} deliveries claimed, sent (locmem), recorded in {elapsed:.1f} s "
        f"({sent / elapsed:.0f}/s)"
    )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
