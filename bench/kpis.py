"""Benchmark: figures and open data over 1,000,000 synthetic applications in 1,741 municipalities.

Builds its own database (SQLite file under a temporary folder by default, or PostgreSQL when
DATABASE_URL is set; nothing generated is kept in the repository):
- the national master, the 32 standard procedures, an offering of every municipal procedure in
  every municipality (about half online, the standard form published for a sample of them),
- N applications (default 1,000,000) spread over the 1,741 municipalities (skewed: a few large
  cities receive most), 28 municipal procedures and the last 12 months, inserted with
  executemany in batches, and their status history (受付; 70 % decided, 10 % returned),

then measures:
1. the incremental aggregate job catching up over the whole history (cost per status change
   and per received application), and in steady state (new receipts arriving after it caught up);
2. dashboard latency (Django test client, signed-in staff): the municipality dashboard of random
   municipalities, the national and a prefecture's adoption view — p50/p95/max;
3. the open-data catalogue CSV streamed to a null sink: rows/s and peak Python allocations
   (tracemalloc), for the first 10 % of the rows and for all of them (flat = constant memory).

    .venv/bin/python bench/kpis.py                       # SQLite, 1,000,000 applications
    .venv/bin/python bench/kpis.py --applications 100000
    DATABASE_URL=postgres://… .venv/bin/python bench/kpis.py
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# --reuse DIR: measure the pages again over a database an earlier run left in DIR.
REUSE = sys.argv[sys.argv.index("--reuse") + 1] if "--reuse" in sys.argv else ""
if "DATABASE_URL" not in os.environ:
    os.environ["MADOGUCHI_VAR_DIR"] = REUSE or tempfile.mkdtemp(prefix="madoguchi-bench-kpis-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from madoguchi.accounts.models import Membership, User  # noqa: E402
from madoguchi.applications.models import Application, StatusChange  # noqa: E402
from madoguchi.catalog.models import Offering, Procedure  # noqa: E402
from madoguchi.catalog.services import catalog_load  # noqa: E402
from madoguchi.forms.services import form_adopt_preset, form_publish  # noqa: E402
from madoguchi.kpis import opendata  # noqa: E402
from madoguchi.kpis.aggregates import aggregates_update  # noqa: E402
from madoguchi.kpis.models import MonthlyFigure  # noqa: E402
from madoguchi.municipalities.models import MUNICIPAL_KINDS, Municipality  # noqa: E402
from madoguchi.municipalities.services import municipality_master_load  # noqa: E402
from madoguchi.reception.testing import staff_login  # noqa: E402

BATCH = 20_000
PUBLISHED = 60  # municipalities whose disaster-certificate form is really published


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def build_catalogue(rng: random.Random) -> tuple[list[str], list[str], list[object]]:
    call_command("migrate", verbosity=0)
    municipality_master_load()
    catalog_load()
    municipal = list(
        Municipality.objects.filter(kind__in=MUNICIPAL_KINDS)
        .order_by("code")
        .values_list("code", flat=True)
    )
    procedures = list(
        Procedure.objects.filter(level="municipal").order_by("order").values_list("code", flat=True)
    )
    offerings = [
        Offering(municipality_id=m, procedure_id=p, online=rng.random() < 0.5)
        for m in municipal
        for p in procedures
    ]
    Offering.objects.bulk_create(offerings, batch_size=5000, ignore_conflicts=True)
    versions = []
    for code in rng.sample(municipal, PUBLISHED):
        form = form_adopt_preset(
            municipality_code=code, procedure_code="disaster-certificate", actor=None
        )
        versions.append(form_publish(municipal_form=form, actor=None))
    _log(
        f"catalogue: {len(municipal)} municipalities × {len(procedures)} procedures, "
        f"{len(offerings)} offerings, {len(versions)} published forms"
    )
    return municipal, procedures, versions


def _adapt(moment: datetime.datetime) -> object:
    return connection.ops.adapt_datetimefield_value(moment)


def _uuid(value: uuid.UUID) -> object:
    return value.hex if connection.vendor == "sqlite" else value


def build_applications(
    count: int,
    municipal: list[str],
    procedures: list[str],
    versions: list[object],
    rng: random.Random,
    *,
    span: datetime.timedelta = datetime.timedelta(days=365),
) -> tuple[int, int]:
    """Insert `count` received applications (over the last `span`) and their history with
    executemany."""
    # A few large cities get most applications (weights ~ 1/rank).
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(municipal))]
    shuffled = municipal[:]
    rng.shuffle(shuffled)
    proc_weights = [1.0 / (rank + 1) ** 0.5 for rank in range(len(procedures))]
    empty = Application._meta.get_field("raw_answers").get_db_prep_value({}, connection)
    now = timezone.now()
    start = now - span
    fields = [f for f in Application._meta.concrete_fields if f.name != "id"]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(Application._meta.db_table)
    change_table = connection.ops.quote_name(StatusChange._meta.db_table)
    # Table and column names come from the models' meta, values are parameters.
    change_sql = (
        f"INSERT INTO {change_table} (application_id, from_status, to_status, at, actor_label, "  # noqa: S608
        "message) VALUES (%s, %s, %s, %s, %s, %s)"
    )
    version_ids = [_uuid(v.pk) for v in versions]  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        next_id = cursor.fetchone()[0] + 1
    inserted = changes = 0
    while inserted < count:
        size = min(BATCH, count - inserted)
        rows = []
        history = []
        codes = rng.choices(shuffled, weights=weights, k=size)
        procs = rng.choices(procedures, weights=proc_weights, k=size)
        for index in range(size):
            # Receipts arrive in time order over the year (ids follow time, as on a real
            # installation), a few minutes of jitter.
            position = (inserted + index) / count
            submitted = start + datetime.timedelta(
                seconds=position * (span.total_seconds() - 7200) + rng.uniform(0, 600)
            )
            roll = rng.random()
            status = "submitted"
            steps = [("draft", "submitted", submitted)]
            if roll < 0.7:
                decided = submitted + datetime.timedelta(hours=rng.expovariate(1 / 72))
                status = "completed" if roll < 0.6 else "rejected"
                decided = max(
                    min(decided, now - datetime.timedelta(minutes=1)),
                    submitted + datetime.timedelta(minutes=1),
                )
                steps.append(("submitted", status, decided))
            elif roll < 0.8:
                status = "returned"
                steps.append(("submitted", "returned", submitted + datetime.timedelta(hours=2)))
            values = {
                "public_id": _uuid(uuid.UUID(int=rng.getrandbits(128))),
                "receipt_number": None,
                "municipality": codes[index],
                "procedure_code": procs[index],
                "form_version": version_ids[index % len(version_ids)],
                "resident": None,
                "user": None,
                "channel": "web" if index % 3 else "api",
                "is_test": index % 97 == 0,  # about 1 % sent with a test key: left out
                "status": status,
                "raw_answers": empty,
                "answers": empty,
                "my_number_digest": "",
                "last_page": "",
                "signed_at": _adapt(submitted),
                "payload_sha256": "",
                "signature_evidence": None,
                "parties": "{}",
                "submitted_at": _adapt(submitted),
                "dedupe_key": None,
                "signature_value_sha256": None,
                "created_at": _adapt(submitted),
                "updated_at": _adapt(steps[-1][2]),
            }
            rows.append([values[f.name] for f in fields])
            app_id = next_id + inserted + index
            for from_status, to_status, at in steps:
                history.append((app_id, from_status, to_status, _adapt(at), "bench", ""))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (id, {columns}) VALUES (%s, {placeholders})",  # noqa: S608
                [[next_id + inserted + i, *row] for i, row in enumerate(rows)],
            )
            # Each batch's history in time order (the job does not depend on it: it reads by id).
            history.sort(key=lambda change: str(change[3]))
            cursor.executemany(change_sql, history)
        inserted += size
        changes += len(history)
        if inserted % 200_000 == 0 or inserted == count:
            _log(f"applications: {inserted:,} ({changes:,} status changes)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{Application._meta.db_table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )
            cursor.execute("ANALYZE")
    return inserted, changes


def measure_aggregates(received: int, changes: int) -> dict[str, float]:
    later = timezone.now() + datetime.timedelta(hours=1)
    started = time.perf_counter()
    result = aggregates_update(now=later)
    seconds = time.perf_counter() - started
    _log(
        f"aggregates: caught up over {result.events:,} changes in {seconds:.1f} s "
        f"({result.batches} batches, {MonthlyFigure.objects.count():,} aggregate rows)"
    )
    return {
        "catch_up_seconds": seconds,
        "per_change_us": seconds / max(result.events, 1) * 1e6,
        "per_application_us": seconds / received * 1e6,
        "events": result.events,
    }


def measure_steady(
    municipal: list[str], procedures: list[str], versions: list[object], rng: random.Random
) -> dict[str, float]:
    """1,000 new receipts (and their decisions) after the job caught up, as every minute."""
    results = []
    for _round in range(5):
        before = StatusChange.objects.count()
        build_applications(
            1000, municipal, procedures, versions, rng, span=datetime.timedelta(hours=3)
        )
        new_changes = StatusChange.objects.count() - before
        started = time.perf_counter()
        result = aggregates_update(now=timezone.now() + datetime.timedelta(hours=1))
        seconds = time.perf_counter() - started
        assert result.events == new_changes, (result.events, new_changes)
        results.append(seconds)
    seconds = statistics.median(results)
    _log(
        f"steady state: 1,000 receipts (+ decisions) aggregated in {seconds * 1000:.0f} ms "
        "(median of 5)"
    )
    return {"steady_ms_per_1000": seconds * 1000, "steady_per_application_us": seconds / 1000 * 1e6}


def _timed(client: Client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
        f"max {ordered[-1]:.1f} ms (n={len(ordered)})"
    )


def measure_dashboards(municipal: list[str], rng: random.Random, requests: int) -> dict[str, str]:
    user = User.objects.create_user(username="bench-admin", password="x" * 16)
    busiest = list(
        Application.objects.values("municipality_id")
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .values_list("municipality_id", flat=True)[:5]
    )
    chosen = list(dict.fromkeys(busiest + rng.sample(municipal, 45)))
    Membership.objects.bulk_create(
        [Membership(user=user, municipality_id=code, role="viewer") for code in chosen]
    )
    national = User.objects.create_user(username="bench-national", password="x" * 16)
    Membership.objects.create(user=national, role="national_admin")
    client = Client()
    staff_login(client, user)
    _timed(client, [f"/staff/kpis/?municipality={chosen[0]}"] * 3)  # warm up
    urls = [f"/staff/kpis/?municipality={rng.choice(chosen)}" for _ in range(requests)]
    municipality = _timed(client, urls)
    busiest_times = _timed(client, [f"/staff/kpis/?municipality={busiest[0]}"] * 50)
    csv_times = _timed(
        client, [f"/staff/kpis/figures/procedures.csv?municipality={busiest[0]}"] * 50
    )
    national_client = Client()
    staff_login(national_client, national)
    _timed(national_client, ["/staff/kpis/adoption/"] * 2)
    adoption = _timed(national_client, ["/staff/kpis/adoption/"] * 50)
    prefecture = _timed(national_client, ["/staff/kpis/adoption/?prefecture=130001"] * 50)
    public = _timed(Client(), ["/opendata/adoption/"] * 50)
    size = Application.objects.filter(municipality_id=busiest[0]).count()
    result = {
        "municipality dashboard (50 municipalities, random)": _summary(municipality),
        f"municipality dashboard, busiest ({busiest[0]}, {size:,} applications)": _summary(
            busiest_times
        ),
        "procedures CSV, busiest": _summary(csv_times),
        "national adoption view": _summary(adoption),
        "prefecture adoption view (東京都)": _summary(prefecture),
        "public adoption page": _summary(public),
    }
    for name, line in result.items():
        _log(f"{name}: {line}")
    return result


def measure_csv() -> dict[str, str]:
    total = sum(1 for _ in opendata.catalog_records())
    out = {}
    for share in (0.1, 1.0):
        limit = int(total * share)
        # Throughput without tracing, then the peak with it.
        started = time.perf_counter()
        size = 0
        for index, chunk in enumerate(opendata.catalog_csv()):
            size += len(chunk)
            if index > limit:
                break
        seconds = time.perf_counter() - started
        tracemalloc.start()
        for index, _chunk in enumerate(opendata.catalog_csv()):
            if index > limit:
                break
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[f"{limit:,} rows"] = (
            f"{limit / seconds:,.0f} rows/s, {seconds:.2f} s, {size / 2**20:.1f} MiB, "
            f"peak Python allocations {peak / 2**20:.1f} MiB"
        )
        _log(f"open-data CSV, {out[f'{limit:,} rows']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", metavar="DIR", help="skip the build; measure the pages only")
    args = parser.parse_args()
    rng = random.Random(18)
    _log(f"database: {connection.vendor}; {os.cpu_count()} CPUs; load average {os.getloadavg()}")
    if args.reuse:
        municipal = list(
            Municipality.objects.filter(kind__in=MUNICIPAL_KINDS).values_list("code", flat=True)
        )
        User.objects.filter(username__startswith="bench-").delete()
        measure_dashboards(municipal, rng, args.requests)
        measure_csv()
        _log(f"load average at the end {os.getloadavg()}")
        return
    municipal, procedures, versions = build_catalogue(rng)
    started = time.perf_counter()
    received, changes = build_applications(args.applications, municipal, procedures, versions, rng)
    _log(f"generated in {time.perf_counter() - started:.0f} s")
    aggregates = measure_aggregates(received, changes)
    _log(
        f"aggregate cost: {aggregates['per_change_us']:.1f} µs per status change, "
        f"{aggregates['per_application_us']:.1f} µs per received application (catch-up)"
    )
    measure_steady(municipal, procedures, versions, rng)
    measure_dashboards(municipal, rng, args.requests)
    measure_csv()
    _log(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
