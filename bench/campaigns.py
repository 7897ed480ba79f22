"""Benchmark: a benefit run over a synthetic municipality — 100,000 residents in 45,000
households: eligibility, the notices for all, and the transfer file of 45,000 records.

Builds its own database (SQLite under a temporary folder, or PostgreSQL with DATABASE_URL): the
master, a synthetic registry (campaigns.testing.synthetic_registry: residency dates, 住民税
records) and a 公金受取口座 for every head of household (publicfunds.testing.accounts_bulk_for).
Then, each step timed and traced (tracemalloc: the peak of Python allocations during the step;
ru_maxrss: the process's peak so far):

1. `eligibility_compute` — streaming over the registry at the 基準日;
2. `campaign_push` — one お知らせ per household through notices_send_bulk (e-mail tasks to the
   dummy backend), then again to show the re-run sends nothing;
3. confirmation of every household with its 公金受取口座 (bulk, unsigned: the signed path is
   tested per household; 45,000 RSA signatures would measure the card, not the run), the
   four-eyes approval and `payment_file_create`;
4. `payment_file_write` to a file, parsed back with core.zengin.parse_transfer_file (count and
   total checked against the trailer).

    .venv/bin/python bench/campaigns.py --residents 100000 --households 45000
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

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

settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from madoguchi.accounts.models import Resident  # noqa: E402
from madoguchi.campaigns import services  # noqa: E402
from madoguchi.campaigns.models import Entitlement  # noqa: E402
from madoguchi.campaigns.testing import campaign_for, synthetic_registry  # noqa: E402
from madoguchi.campaigns.types import EntitlementState, Method  # noqa: E402
from madoguchi.core import zengin  # noqa: E402
from madoguchi.municipalities.services import municipality_master_load  # noqa: E402
from madoguchi.publicfunds import selectors as funds_selectors  # noqa: E402
from madoguchi.publicfunds.testing import accounts_bulk_for  # noqa: E402

CODE = "132012"  # 八王子市: a municipality with no demo residents


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(name: str, run: Callable[[], Any]) -> Any:
    tracemalloc.start()
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"| {name} | {elapsed:.1f} s | {peak / 2**20:.1f} MiB | {rss_mib():.0f} MiB | {result} |",
        flush=True,
    )
    return result


def confirm_all(campaign: Any) -> int:
    """Every household confirms with its 公金受取口座 (bulk, see the module docstring)."""
    done = 0
    rows = Entitlement.objects.filter(campaign=campaign).values_list("pk", "applicant_id")
    batch: list[tuple[int, int]] = []

    def flush() -> None:
        accounts = funds_selectors.accounts_for_residents([a for _, a in batch])
        # An applicant who is not the head (the head moved in after the 基準日) has none yet.
        missing = [a for _, a in batch if a not in accounts]
        if missing:
            accounts_bulk_for(Resident.objects.filter(pk__in=missing))
            accounts.update(funds_selectors.accounts_for_residents(missing))
        updates = []
        for pk, applicant in batch:
            view = accounts[applicant]
            updates.append(
                Entitlement(
                    pk=pk,
                    state=EntitlementState.CONFIRMED,
                    method=Method.PUBLIC_FUNDS,
                    confirmed_at=timezone.now(),
                    account={
                        "bank_code": view.bank_code,
                        "bank_name": view.bank_name,
                        "branch_code": view.branch_code,
                        "branch_name": view.branch_name,
                        "account_type": int(view.account_type),
                        "number": view.number,
                        "holder_kana": view.holder_kana,
                    },
                )
            )
        Entitlement.objects.bulk_update(
            updates, ["state", "method", "confirmed_at", "account"], batch_size=1000
        )
        batch.clear()

    for row in rows.iterator(chunk_size=2000):
        batch.append(row)
        done += 1
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--households", type=int, default=45_000)
    args = parser.parse_args()
    translation.activate("ja")
    call_command("migrate", verbosity=0)
    municipality_master_load()
    print(
        f"database: {connection.vendor}; {args.residents} residents, {args.households} households"
    )
    started = time.perf_counter()
    synthetic_registry(municipality_code=CODE, households=args.households, residents=args.residents)
    heads = Resident.objects.filter(municipality_id=CODE, is_householder=True)
    accounts_bulk_for(heads.iterator(chunk_size=2000))
    print(f"set-up (not measured): {time.perf_counter() - started:.0f} s, RSS {rss_mib():.0f} MiB")
    users = get_user_model().objects
    first, _ = users.get_or_create(username="bench-first")
    second, _ = users.get_or_create(username="bench-second")
    campaign = campaign_for(CODE, user=first)
    print("| step | time | peak Python allocations | process peak RSS | result |")
    print("|---|---|---|---|---|")
    step(
        "eligibility (households eligible)", lambda: services.eligibility_compute(campaign=campaign)
    )
    step("push: notices created", lambda: services.campaign_push(campaign=campaign))
    step("push again: notices created", lambda: services.campaign_push(campaign=campaign))
    step("confirm every household (bulk, unsigned)", lambda: confirm_all(campaign))

    def approve() -> int:
        batch = services.approval_request(campaign=campaign, municipality_code=CODE, user=first)
        assert batch is not None
        return services.approval_confirm(batch=batch, user=second)

    step("four-eyes approval", approve)
    payer = {
        "requester_code": "1234567890",
        "requester_name_kana": "ﾊﾁｵｳｼﾞｼ",
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": 1,
        "account_number": "7654321",
    }
    payment_file = step(
        "payment records",
        lambda: services.payment_file_create(
            campaign=campaign,
            municipality_code=CODE,
            user=first,
            transfer_date=datetime.date(2026, 2, 20),
            payer=payer,
        ),
    )
    path = Path(tempfile.mkdtemp(prefix="madoguchi-zengin-")) / "sogo.txt"

    def write() -> str:
        with path.open("wb") as out:
            totals = services.payment_file_write(payment_file=payment_file, out=out)
        return f"{totals.count} records, {totals.amount} yen, {path.stat().st_size} bytes"

    step("transfer file written", write)

    def parse() -> str:
        count = amount = 0
        with path.open("rb") as fp:
            for item in zengin.parse_transfer_file(fp, year=2026):
                if isinstance(item, zengin.TransferRecord):
                    count += 1
                    amount += item.amount
        assert (count, amount) == (payment_file.count, payment_file.amount)
        return f"{count} records, {amount} yen (trailer checked)"

    step("transfer file parsed back", parse)


if __name__ == "__main__":
    main()
