"""What one worker's reception costs, and where it goes (issue 14, item 3: the drain).

Fills the arrival queue with prepared signed bodies (bench/surge/prepare.py: every body a
distinct envelope), then runs `arrival_work_one` in this process until the queue is empty and
reports receptions/s and refusals/s apart. `--replays N` also queues N bodies that were already
received (what wrk's cycling sends), so the cost of a refusal is measured on its own.

    export DATABASE_URL=postgres://… SURGE_DIR=/tmp/surge-profile SECRET_KEY=<50+ characters>
    MADOGUCHI_ENV=development .venv/bin/python bench/surge/prepare.py
    MADOGUCHI_ENV=benchmark DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SIGNATURES_CRL_FETCHER=platform \\
      .venv/bin/python bench/surge/drain_profile.py [--arrivals 1000] [--replays 500] \\
      [--profile [--cpu]] [--queries]

--profile prints the cProfile of the timed drain (cumulative, top 40; --cpu: CPU time only);
--queries lists the SQL of one reception. Each run first examines 20 arrivals untimed (caches
warm, as in a worker that has run for a while).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from madoguchi.api.arrivals import KIND  # noqa: E402
from madoguchi.api.models import ApiClient  # noqa: E402
from madoguchi.applications.arrivals import arrival_create, arrival_work_one  # noqa: E402
from madoguchi.applications.models import Arrival  # noqa: E402
from madoguchi.forms.selectors import published_form_version_for  # noqa: E402

OUT = Path(os.environ.get("SURGE_DIR", "/tmp/madoguchi-surge"))


def queue(bodies: list[str]) -> None:
    client = ApiClient.objects.get(client_id="surge-bench")
    first = json.loads(bodies[0])
    version = published_form_version_for(
        municipality_code=first["municipality_code"], procedure_code=first["procedure_code"]
    )
    assert version is not None
    for body in bodies:
        arrival_create(
            kind=KIND,
            form_version=version,
            envelope=json.loads(body),
            client_ref=client.pk,
            mode="test",
        )


def database_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (same machine), else 0."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain() -> tuple[int, float]:
    started = time.perf_counter()
    n = 0
    while arrival_work_one() is not None:
        n += 1
    return n, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--arrivals", type=int, default=1000)
    parser.add_argument("--replays", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument(
        "--cpu", action="store_true", help="profile CPU time (default: wall time, waits included)"
    )
    args = parser.parse_args()
    bodies = (OUT / "bodies.jsonl").read_text(encoding="utf-8").splitlines()
    # Bodies are used once (a second examination would be a replay): the next run goes on
    # after the last body an earlier run took.
    offset_file = OUT / "drain_profile.offset"
    offset = int(offset_file.read_text()) if offset_file.exists() else 0
    need = 20 + args.arrivals
    if offset + need > len(bodies):
        raise SystemExit(f"only {len(bodies) - offset} unused bodies left; prepare more")
    warm, fresh = bodies[offset : offset + 20], bodies[offset + 20 : offset + need]
    offset_file.write_text(str(offset + need))
    queue(warm)
    drain()
    if args.queries:
        queue(fresh[:1])
        with CaptureQueriesContext(connection) as captured:
            arrival_work_one()
        print(f"{len(captured.captured_queries)} statements in one reception")
        for query in captured.captured_queries:
            print("  ", query["sql"][:160])
        fresh = fresh[1:]
    since = Arrival.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    queue(fresh)
    if args.replays:
        queue(bodies[offset : offset + min(args.replays, need)])  # already received above
    profiler = (
        (cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile())
        if args.profile
        else None
    )
    if profiler:
        profiler.enable()
    statements = [0]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements[0] += 1
        return execute(sql, params, many, context)

    cpu, db_cpu = time.process_time(), database_cpu()
    with connection.execute_wrapper(count):
        n, seconds = drain()
    cpu, db_cpu = time.process_time() - cpu, database_cpu() - db_cpu
    if profiler:
        profiler.disable()
    done = Arrival.objects.filter(pk__gt=since)
    received = done.filter(state="received").count()
    refused = done.filter(state="refused").count()
    codes: dict[str, int] = {}
    for problem in done.filter(state="refused").values_list("problem", flat=True):
        codes[problem.get("code", "")] = codes.get(problem.get("code", ""), 0) + 1
    print(
        f"DRAIN_PROFILE examined={n} received={received} refused={refused} "
        f"seconds={seconds:.3f} rate={n / seconds:.1f}/s cpu_per_arrival={1000 * cpu / n:.2f}ms "
        f"db_cpu_per_arrival={1000 * db_cpu / n:.2f}ms "
        f"statements_per_arrival={statements[0] / n:.1f} "
        f"wall_per_arrival={1000 * seconds / n:.2f}ms refusals={codes}"
    )
    if profiler:
        profiler.dump_stats(str(OUT / "drain.prof"))  # for pstats / snakeviz
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
