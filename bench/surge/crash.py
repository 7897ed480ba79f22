"""Crash test: kill -9 the app server during load, restart it, and check that nothing was lost.

Clients send pre-signed one-request submissions, each with its own Idempotency-Key, and retry a
request whose connection failed (with the same key) until it gets an answer. Meanwhile the whole
gunicorn process group is killed with SIGKILL every CRASH_EVERY seconds and restarted. At the end:
- every receipt number a client was given is in the database, received, with signature evidence
  and an outbox row;
- no submission was stored twice (one application per Idempotency-Key);
- the audit chain still verifies.
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


def main() -> None:
    bodies = (OUT / "bodies.jsonl").read_text(encoding="utf-8").splitlines()
    key = (OUT / "api_key").read_text(encoding="utf-8")
    receipts: dict[str, str] = {}  # idempotency key → receipt number
    lock = threading.Lock()
    stop = time.monotonic() + DURATION
    retries = [0]
    refused = [0]

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
                if response.status_code in (200, 201):
                    with lock:
                        receipts[idempotency_key] = response.json()["receipt_number"]
                else:
                    with lock:
                        refused[0] += 1

    server = start_server()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    kills = 0
    next_kill = time.monotonic() + EVERY
    while time.monotonic() < stop:
        time.sleep(0.2)
        if time.monotonic() >= next_kill:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            kills += 1
            server = start_server()
            next_kill = time.monotonic() + EVERY
    for thread in threads:
        thread.join()
    os.killpg(server.pid, signal.SIGTERM)
    server.wait()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
    os.environ["MADOGUCHI_ENV"] = "development"
    import django

    django.setup()
    from madoguchi.applications.models import Application, OutboxMessage
    from madoguchi.audit.selectors import audit_chain_verify

    numbers = set(receipts.values())
    stored = {
        a.receipt_number: a
        for a in Application.objects.filter(receipt_number__in=numbers).select_related(
            "signature_evidence"
        )
    }
    missing = numbers - set(stored)
    without_evidence = [
        n
        for n, a in stored.items()
        if a.signature_evidence is None or a.signature_evidence.outcome != "valid"
    ]
    with_outbox = set(
        OutboxMessage.objects.filter(
            application__receipt_number__in=numbers, topic="application.submitted"
        ).values_list("application__receipt_number", flat=True)
    )
    without_outbox = numbers - with_outbox
    duplicated_keys = len(receipts) - len(numbers)  # two keys answered with one receipt
    # Every received application must be one a client holds a receipt for: a submission whose
    # response was lost in a crash and was retried with its key must not be stored a second time.
    # (Bodies may be sent again under new keys once all were used; those are new applications.)
    stored_total = Application.objects.filter(channel="api").exclude(status="draft").count()
    api_rows = stored_total - len(numbers)
    chain = audit_chain_verify()
    print(
        json.dumps(
            {
                "kills": kills,
                "receipts": len(numbers),
                "retried_requests": retries[0],
                "refused": refused[0],
                "missing": len(missing),
                "without_evidence": len(without_evidence),
                "without_outbox": len(without_outbox),
                "receipt_shared_by_keys": duplicated_keys,
                "stored_without_receipt": api_rows,
                "audit_chain_ok": chain.ok,
                "audit_events": chain.checked,
            },
            indent=1,
        )
    )
    ok = not missing and not without_evidence and not without_outbox and chain.ok and api_rows == 0
    print(
        f"crash: kills={kills} receipts={len(numbers)} missing={len(missing)} "
        f"stored_without_receipt={api_rows} retried={retries[0]} ok={ok}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
