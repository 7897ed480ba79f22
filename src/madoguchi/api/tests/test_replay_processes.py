"""The same signed envelope sent at once to two server processes (gunicorn, two sync workers,
on the test database) and examined by two worker processes (manage.py arrivals_work): every copy
arrives (202), one is received, the other copies end 409 signature-replayed. The rule holds
in the database (a unique column), not in a process's memory."""

import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

from madoguchi.applications.models import Application

from .conftest import assert_received_once, now_seconds, post_copies_at_once, signed_body

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[4]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    if os.environ.get("MADOGUCHI_TEST_PORT"):
        return int(os.environ["MADOGUCHI_TEST_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_processes(tmp_path):
    """gunicorn with two sync workers on this test's database; yields (base URL, access log)."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    # The workers use this test run's database (a file on SQLite, test_… on PostgreSQL).
    (tmp_path / "replay_settings.py").write_text(
        "from madoguchi.config.settings_test import *  # noqa: F403\n"
        f"DATABASES['default']['NAME'] = {connection.settings_dict['NAME']!r}  # noqa: F405\n"
    )
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "replay_settings",
    }
    server = subprocess.Popen(
        [
            str(GUNICORN), "madoguchi.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    examiners = [
        subprocess.Popen(
            [sys.executable, "manage.py", "arrivals_work", "-v", "2", "--idle", "0.02"],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"examiner-{n}.log").open("w"),
            stderr=subprocess.DEVNULL,
        )
        for n in range(2)
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/schema/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(server.stderr.read().decode() if server.stderr else "")
            time.sleep(0.3)
        yield base, log
    finally:
        for process in [server, *examiners]:
            process.terminate()
        for process in [server, *examiners]:
            process.wait(timeout=30)


def test_one_envelope_sent_to_two_processes_gives_one_application(
    two_processes, portal, disaster_form, sample_answers, taro
):
    """Each round sends one new envelope six times at once. The kernel decides which worker
    accepts a connection, and on a busy machine one worker may take a whole round, so rounds
    repeat (each with its own envelope, each checked in full) until both processes have
    answered copies."""
    base, log = two_processes
    copies = 6
    receipts: list[str] = []
    first = now_seconds() - datetime.timedelta(minutes=10)
    pids: set[str] = set()
    for round_no in range(6):
        # A new signing time makes a new payload, so each round is a new envelope.
        body = signed_body(
            disaster_form,
            sample_answers,
            taro,
            signed_at=first + datetime.timedelta(seconds=round_no),
        )
        answers = post_copies_at_once(
            base_url=base,
            api_key=portal["test"],
            body=body,
            copies=copies,
            key_prefix=f"process-copy-{round_no}",
            examine_here=False,  # the two worker processes examine them
        )
        receipt = assert_received_once(answers)
        receipts.append(receipt)
        stored = Application.objects.order_by("receipt_number")
        assert list(stored.values_list("receipt_number", flat=True)) == sorted(receipts)
        lines = [line.split() for line in log.read_text().splitlines()]
        pids = {pid for pid, status in lines if status == "202"}
        examined = [(log.parent / f"examiner-{n}.log").read_text().split() for n in range(2)]
        if len(pids) == 2 and all(examined):
            break
    # Both web processes answered some of the copies, and both workers examined some.
    assert len(pids) == 2, pids
    assert all(examined), examined
