"""CPU cost of one signed submission inside the web process, and where it goes.

Replays the bodies prepared by bench/surge/prepare.py through Django's WSGIHandler (the whole
middleware and DRF stack, no HTTP server, no load generator), so the numbers are the web
process's own share of `make bench-surge`, without noise from wrk or the other workers.

    # once: a database and signed bodies (bench/surge.sh does the same in a throw-away cluster)
    export DATABASE_URL=postgres://… SURGE_DIR=/tmp/surge-profile SECRET_KEY=<50+ characters>
    MADOGUCHI_ENV=development .venv/bin/python bench/surge/prepare.py
    # then, with the server's production settings:
    MADOGUCHI_ENV=benchmark DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SIGNATURES_CRL_FETCHER=platform \\
      BENCH_FLOOR_ENABLED=1 .venv/bin/python bench/surge/inprocess.py [--requests 500] \\
      [--path /bench/floor] [--queries] [--profile]

--queries lists the SQL of one submission; --profile prints a pyinstrument profile (pip install
pyinstrument; or run the script under `py-spy record`). Each run first replays the same bodies
once, so the per-certificate caches are warm, as they are in a server that has seen each resident.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--path", default="/api/v1/applications")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    surge_dir = Path(os.environ.get("SURGE_DIR", "/tmp/madoguchi-surge"))
    bodies = (surge_dir / "bodies.jsonl").read_bytes().splitlines()[: args.requests]
    key = (surge_dir / "api_key").read_text().strip()
    handler = WSGIHandler()

    def call(body: bytes) -> str:
        status: list[str] = []
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": args.path,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/json",
            "HTTP_AUTHORIZATION": f"Bearer {key}",
        }
        response = handler(environ, lambda s, h, *a: status.append(s))
        b"".join(response)
        response.close()
        return status[0]

    for body in bodies:  # warm: every certificate seen once, as in a running server
        call(body)
    if args.queries:
        with CaptureQueriesContext(connection) as context:
            print(call(bodies[0]), f"{len(context.captured_queries)} statements")
        for query in context.captured_queries:
            print("  ", query["sql"][:160])
        return
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    wall, cpu = time.perf_counter(), time.process_time()
    refused = sum(not call(body).startswith("2") for body in bodies)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False))
    n = len(bodies)
    print(
        f"inprocess: path={args.path} requests={n} cpu={1000 * cpu / n:.2f}ms "
        f"wall={1000 * wall / n:.2f}ms non2xx={refused}"
    )


if __name__ == "__main__":
    main()
