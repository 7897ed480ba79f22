"""Crash test: kill -9 the app server AND the arrival workers during load, restart them, and
check that nothing was lost (issue 14: arrival first, reception in workers).

Clients send pre-signed one-request submissions, each with its own Idempotency-Key, and retry a
request whose connection failed (with the same key) until it gets an answer (202 with a 到達番号).
Meanwhile the whole gunicorn process group and every worker (`arrivals_work`) are killed with
SIGKILL every CRASH_EVERY seconds and restarted. At the end a worker drains the queue, then:
- every 到達番号 a client was given is in the database (none lost) and ended 受付 or 受付不可;
- one arrival per Idempotency-Key (a retried request was not recorded twice);
- every received arrival's application has valid signature evidence and an outbox row, and no
  application belongs to two arrivals; no API application exists without its arrival (none
  received twice);
- the audit chains still verify.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
OUT = Path(os.environ["SURGE_DIR"])
BASE = os.environ["CRASH_BASE_URL"]
DURATION = float(os.environ.get("CRASH_SECONDS", "40"))
EVERY = float(os.environ.get("CRASH_EVERY", "8"))
CLIENTS = int(os.environ.get("CRASH_CLIENTS", "8"))


def start_server() -> subprocess.Popen[bytes]:
    port = BASE.rsplit(":", 1)[1]
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "madoguchi.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("SURGE_WORKERS", "4"),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            if httpx.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit("server did not start")


def start_examiners() -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "manage.py", "arrivals_work", "--idle", "0.05"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(int(os.environ.get("SURGE_EXAMINERS", "2")))
    ]


def main() -> None:
    bodies = (OUT / "bodies.jsonl").read_text(encoding="utf-8").splitlines()
    key = (OUT / "api_key").read_text(encoding="utf-8")
    receipts: dict[str, str] = {}  # idempotency key → arrival number
    lock = threading.Lock()
    stop = time.monotonic() + DURATION
    retries = [0]
    refused_at_arrival = [0]

    def client(offset: int) -> None:
        with httpx.Client(
            base_url=BASE, timeout=30, headers={"Authorization": f"Bearer {key}"}
        ) as http:
            n = offset
            while time.monotonic() < stop:
                body = bodies[n % len(bodies)]
                n += CLIENTS
                idempotency_key = str(uuid.uuid4())
                while True:  # retry the same request (same key) until the server answers
                    try:
                        response = http.post(
                            "/api/v1/applications",
                            content=body,
                            headers={
                                "Content-Type": "application/json",
                                "Idempotency-Key": idempotency_key,
                            },
                        )
                    except httpx.HTTPError:
                        with lock:
                            retries[0] += 1
                        time.sleep(0.2)
                        continue
                    if response.status_code >= 500 or response.status_code == 503:
                        with lock:
                            retries[0] += 1
                        time.sleep(0.2)
                        continue
                    break
                if response.status_code == 202:
                    with lock:
                        receipts[idempotency_key] = response.json()["arrival_number"]
                else:
                    with lock:
                        refused_at_arrival[0] += 1

    server = start_server()
    examiners = start_examiners()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    kills = 0
    next_kill = time.monotonic() + EVERY
    while time.monotonic() < stop:
        time.sleep(0.2)
        if time.monotonic() >= next_kill:
            os.killpg(server.pid, signal.SIGKILL)
            for examiner in examiners:
                os.killpg(examiner.pid, signal.SIGKILL)
            server.wait()
            for examiner in examiners:
                examiner.wait()
            kills += 1
            server = start_server()
            examiners = start_examiners()
            next_kill = time.monotonic() + EVERY
    for thread in threads:
        thread.join()
    os.killpg(server.pid, signal.SIGTERM)
    for examiner in examiners:
        os.killpg(examiner.pid, signal.SIGKILL)  # a last kill -9, mid-work if it was working
    server.wait()
    for examiner in examiners:
        examiner.wait()
    # What is still waiting is examined now (as the restarted workers would).
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "arrivals_work", "--drain"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=True,
    )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
    os.environ["MADOGUCHI_ENV"] = "development"
    import django

    django.setup()
    from django.db.models import Count

    from madoguchi.applications.models import Application, Arrival, OutboxMessage
    from madoguchi.audit.selectors import audit_chain_verify

    numbers = set(receipts.values())
    arrivals = {a.number: a for a in Arrival.objects.filter(number__in=numbers)}
    missing = numbers - set(arrivals)
    waiting = [n for n, a in arrivals.items() if a.state == "arrived"]
    received = {n: a for n, a in arrivals.items() if a.state == "received"}
    refused = {n: a for n, a in arrivals.items() if a.state == "refused"}
    refusal_codes: dict[str, int] = {}
    for a in refused.values():
        code = str(a.problem.get("code", ""))
        refusal_codes[code] = refusal_codes.get(code, 0) + 1
    keys_per_arrival = len(receipts) - len(numbers)  # two keys answered with one arrival
    key_rows = Arrival.objects.filter(idempotency_key__in=list(receipts)).count()
    application_ids = [a.application_id for a in received.values()]
    stored = {
        a.pk: a
        for a in Application.objects.filter(pk__in=application_ids).select_related(
            "signature_evidence"
        )
    }
    without_evidence = [
        pk
        for pk, a in stored.items()
        if a.signature_evidence is None or a.signature_evidence.outcome != "valid"
    ]
    with_outbox = set(
        OutboxMessage.objects.filter(
            application_id__in=application_ids, topic="application.submitted"
        ).values_list("application_id", flat=True)
    )
    without_outbox = set(application_ids) - with_outbox
    shared = (
        Arrival.objects.filter(state="received")
        .values("application_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    api_total = Application.objects.filter(channel="api").exclude(status="draft").count()
    received_total = Arrival.objects.filter(state="received").count()
    chain = audit_chain_verify()
    print(
        json.dumps(
            {
                "kills": kills,
                "arrivals": len(numbers),
                "received": len(received),
                "refused": len(refused),
                "refusal_codes": refusal_codes,
                "retried_requests": retries[0],
                "refused_at_arrival": refused_at_arrival[0],
                "missing": len(missing),
                "still_waiting": len(waiting),
                "arrival_rows_for_keys": key_rows,
                "keys_sharing_an_arrival": keys_per_arrival,
                "without_evidence": len(without_evidence),
                "without_outbox": len(without_outbox),
                "applications_of_two_arrivals": shared,
                "api_applications": api_total,
                "received_arrivals": received_total,
                "audit_chain_ok": chain.ok,
                "audit_events": chain.checked,
            },
            indent=1,
        )
    )
    ok = (
        not missing
        and not waiting
        and key_rows == len(receipts)
        and keys_per_arrival == 0
        and not without_evidence
        and not without_outbox
        and shared == 0
        and api_total == received_total
        and chain.ok
    )
    print(
        f"crash: kills={kills} arrivals={len(numbers)} received={len(received)} "
        f"refused={len(refused)} missing={len(missing)} waiting={len(waiting)} "
        f"received_twice={shared + max(0, api_total - received_total)} retried={retries[0]} "
        f"ok={ok}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
