"""Helpers for tests of other apps: answers that name a given resident as the signer, and a
worker thread that examines arrivals."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from madoguchi.accounts.models import Resident


def answers_naming(resident: Resident, answers: Mapping[str, Any]) -> dict[str, Any]:
    """`answers` with the signer's block (applicant.*, or insured.* for 介護 forms) filled in
    with `resident`'s name, reading, birth date and address, as the web journey prefills them —
    so the signature of `resident`'s card binds to the answers. On a 介護 form the insured
    person becomes the submitter too (submitter.kind "self")."""
    prefix = "insured" if "insured.name" in answers else "applicant"
    postal = resident.postal_code
    answers = dict(answers)
    if prefix == "insured" and "submitter.kind" in answers:
        # The insured person applies themself (no proxy).
        answers["submitter.kind"] = "self"
        for key in [
            key for key in answers if key.startswith("submitter.") and key != "submitter.kind"
        ]:
            answers.pop(key, None)
    return {
        **answers,
        f"{prefix}.name": {"family": resident.family_name, "given": resident.given_name},
        f"{prefix}.name_kana": {
            "family": resident.family_name_kana,
            "given": resident.given_name_kana,
        },
        f"{prefix}.birth_date": resident.birth_date.isoformat(),
        f"{prefix}.address": {
            "postal_code": f"{postal[:3]}-{postal[3:]}" if len(postal) == 7 else postal,
            "address": resident.address,
        },
    }


@contextlib.contextmanager
def arrival_worker(idle: float = 0.05) -> Iterator[None]:
    """A worker examining arrivals in a thread while the block runs (live-server tests: the
    server answers 202 and this thread gives the receipts, as `make run`'s worker does)."""
    from django.db import connection

    from madoguchi.applications.arrivals import arrival_work_one

    stop = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            while not stop.is_set():
                if arrival_work_one() is None:
                    time.sleep(idle)
        except BaseException as error:  # surfaced by the test, not lost in the thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="arrival-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
    if failures:
        raise failures[0]
