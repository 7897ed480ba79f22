"""What a virus scan adds to an upload: clamd INSTREAM round trips for 100 KB, 1 MB and 10 MB
(the upload limit), through madoguchi.core.scanning with a real clamd started here.

The signature database is the tests' one (one EICAR signature: the machines cannot download
ClamAV's), so this measures the protocol, streaming and file-type parsing, not the matching
against ClamAV's full database (millions of signatures, about 1 GB of memory in clamd): measure
that on the production host. Run: .venv/bin/python bench/attachment_scan.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings_test")

import django

django.setup()

from django.test import override_settings  # noqa: E402

from madoguchi.core import scanning  # noqa: E402
from madoguchi.core.testing import Clamd  # noqa: E402


def main() -> None:
    daemon = Clamd(Path(tempfile.mkdtemp(prefix="bench-clamd-")))
    started = time.perf_counter()
    daemon.start()
    print(f"clamd ready in {time.perf_counter() - started:.2f} s")
    try:
        with override_settings(ATTACHMENT_SCANNERS=["clamd"], CLAMD_ADDRESS=daemon.address):
            print("| size | scans | median ms | p95 ms | MB/s |")
            print("|---|---|---|---|---|")
            for size in (100 * 1024, 1024 * 1024, 10 * 1024 * 1024):
                data = b"%PDF-1.4\n" + os.urandom(size - 9)
                runs = 50 if size < 5_000_000 else 15
                times = []
                for _ in range(runs):
                    t0 = time.perf_counter()
                    result = scanning.scan(io.BytesIO(data))
                    times.append((time.perf_counter() - t0) * 1000)
                    assert result.is_clean, result
                times.sort()
                median = statistics.median(times)
                p95 = times[int(len(times) * 0.95) - 1]
                print(
                    f"| {size // 1024} KB | {runs} | {median:.1f} | {p95:.1f} | "
                    f"{size / 1024 / 1024 / (median / 1000):.0f} |"
                )
    finally:
        daemon.stop()


if __name__ == "__main__":
    main()
