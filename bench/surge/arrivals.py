"""The surge benchmark's view of the arrival queue (bench/surge.sh, issue 14).

arrivals.py mark                  → the newest arrival's id (phases count what comes after)
arrivals.py drain MARK SECONDS    → "DRAIN examined=… received=… refused=… waiting=…
                                      seconds=… rate=… received_rate=… refused_rate=… span=…"
arrivals.py pace KEY RATE SECONDS → POST fresh bodies (fresh.jsonl) at RATE per second
arrivals.py latency MARK          → "LATENCY n=… offered=… p50=… p99=…" (ms from 到達 to
                                      受付, from the arrivals' own timestamps)
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
os.environ["MADOGUCHI_ENV"] = "development"
OUT = Path(os.environ.get("SURGE_DIR", "/tmp/madoguchi-surge"))


def _setup() -> None:
    import django

    django.setup()


def mark() -> None:
    _setup()
    from madoguchi.applications.models import Arrival

    last = Arrival.objects.order_by("-pk").values_list("pk", flat=True).first()
    print(last or 0)


def drain(since: int, seconds: float) -> None:
    _setup()
    from django.db.models import Max, Min

    from madoguchi.applications.models import Arrival

    arrivals = Arrival.objects.filter(pk__gt=since)
    counts = {state: arrivals.filter(state=state).count() for state in ("received", "refused")}
    waiting = arrivals.filter(state="arrived").count()
    span = arrivals.aggregate(first=Min("arrived_at"), last=Max("finished_at"))
    examined = counts["received"] + counts["refused"]
    first, last = span["first"], span["last"]
    print(
        f"DRAIN examined={examined} received={counts['received']} refused={counts['refused']} "
        f"waiting={waiting} seconds={seconds:.3f} rate={examined / seconds:.1f} "
        f"received_rate={counts['received'] / seconds:.1f} "
        f"refused_rate={counts['refused'] / seconds:.1f} "
        f"span={(last - first).total_seconds() if first and last else 0:.3f}"
    )


def pace(key: str, rate: float, seconds: float) -> None:
    import httpx

    bodies = (OUT / "fresh.jsonl").read_text(encoding="utf-8").splitlines()
    base = os.environ["SURGE_BASE_URL"]
    count = min(len(bodies), int(rate * seconds))
    interval = 1.0 / rate
    errors = [0]
    lock = threading.Lock()
    local = threading.local()

    def send(body: str) -> None:
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = httpx.Client(
                base_url=base,
                timeout=30,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
        try:
            response = http.post("/api/v1/applications", content=body)
            ok = response.status_code == 202
        except httpx.HTTPError:
            ok = False
        if not ok:
            with lock:
                errors[0] += 1

    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for n in range(count):
            delay = started + n * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, bodies[n])
    print(f"paced {count} submissions at {rate:.0f}/s, errors={errors[0]}", file=sys.stderr)


def latency(since: int, wait: float = 300.0) -> None:
    _setup()
    from madoguchi.applications.models import Arrival

    arrivals = Arrival.objects.filter(pk__gt=since)
    deadline = time.monotonic() + wait
    while arrivals.filter(state="arrived").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    rows = list(arrivals.exclude(state="arrived").values_list("arrived_at", "finished_at"))
    values = sorted((done - came).total_seconds() * 1000 for came, done in rows)
    if not values:
        print("LATENCY n=0 offered=0 p50=0 p99=0")
        return
    spread = (max(c for c, _ in rows) - min(c for c, _ in rows)).total_seconds() or 1.0

    def pct(p: float) -> float:
        return values[min(len(values) - 1, int(p / 100 * len(values)))]

    print(
        f"LATENCY n={len(values)} offered={len(values) / spread:.1f} p50={pct(50):.1f} "
        f"p99={pct(99):.1f}"
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "mark":
        mark()
    elif command == "drain":
        drain(int(args[0]), float(args[1]))
    elif command == "pace":
        pace(args[0], float(args[1]), float(args[2]))
    elif command == "latency":
        latency(int(args[0]))
    else:
        raise SystemExit(__doc__)
