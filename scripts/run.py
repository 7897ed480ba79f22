"""Serve Madoguchi: gunicorn on MADOGUCHI_BIND (127.0.0.1:8000), a django-tasks database worker,
the workers that examine arrived applications (ARRIVAL_WORKERS, default 1) and the periodic
publication of audit anchors.

Ctrl-C (or SIGTERM) stops them all; if one exits on its own, the others are stopped too, so a
half-running platform never goes unnoticed. Another port is `MADOGUCHI_BIND=127.0.0.1:8100 make
run`: the development IdP's issuer and redirect URIs follow it (madoguchi.core.public_url), and
`make run` registers them first (`idp_setup_demo`, part of `make setup`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from madoguchi.core.public_url import DEFAULT_BIND, public_base_url

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def main() -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    bind = os.environ.get("MADOGUCHI_BIND", DEFAULT_BIND)
    try:
        url = public_base_url()
    except ImproperlyConfigured as exc:
        print(f"Madoguchi: {exc}", file=sys.stderr)
        return 2
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    web = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "madoguchi.config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            workers,
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
    )
    # The daily retention run is a task that queues its successor; this starts the chain once.
    subprocess.run(
        [sys.executable, "manage.py", "retention_schedule", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=False,
    )
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=ROOT, env=env)
    # Examiners of arrived applications (到達 → 受付), docs/arrival.md. On SQLite one is enough:
    # the database has one writer at a time.
    examiners = [
        subprocess.Popen([sys.executable, "manage.py", "arrivals_work"], cwd=ROOT, env=env)
        for _ in range(int(os.environ.get("ARRIVAL_WORKERS", "1")))
    ]
    # Signed heads of the audit chains, kept outside the database (docs/adr/0004).
    anchors = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "audit_anchor_publish",
            "--every",
            os.environ.get("AUDIT_ANCHOR_INTERVAL", "300"),
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=env,
    )
    # The figures' aggregates and the daily open-data snapshot (docs/kpis.md).
    kpis = subprocess.Popen(
        [sys.executable, "manage.py", "kpis_update", "--every", "60", "-v", "0"],
        cwd=ROOT,
        env=env,
    )
    # An e-mail a crash left "sending" goes back to the queue once (docs/notices.md).
    notices_sweep = subprocess.Popen(
        [sys.executable, "manage.py", "notices_sweep", "--every", "300", "-v", "0"],
        cwd=ROOT,
        env=env,
    )
    children = [web, worker, *examiners, anchors, kpis, notices_sweep]
    issuer = os.environ.get("OIDC_ISSUER") or f"{url}/idp/o"
    print(
        f"Madoguchi: {url}/  (bound to {bind}; resident sign-in through {issuer}; "
        "Ctrl-C stops the web server, the task worker, the arrival workers, the anchor "
        "publisher, the figures and the notice sweep)",
        flush=True,
    )

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, lambda *_: stop())
    exit_code = 0
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        exit_code = next(c.returncode for c in children if c.returncode is not None) or 1
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
