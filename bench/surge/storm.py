"""Duplicate storm (issue 8, item 5): 100 concurrent submissions, one application.

An offering limited to one application per resident (or per household, as for a benefit
campaign) must turn a storm of concurrent signed submissions into exactly one application and
answer every other request 409 with the receipt number of that one application.

Two storms run against a live server over real HTTP (POST /api/v1/applications):

- kind=resident: one prepared surge resident (household code SURGE…) signs STORM_REQUESTS bodies
  for STORM_RESIDENT_PROCEDURE, whose 131016 offering is set to application_limit="resident";
- kind=household: a new household (code STORMH…) of STORM_HOUSEHOLD_MEMBERS residents with cards
  signs STORM_REQUESTS bodies (members in turn) for STORM_HOUSEHOLD_PROCEDURE, set to "household".

Both procedures differ from the main surge load's (child-allowance-change), so the main phase is
untouched. All RSA work (cards, signatures) happens before the storm; then every request is sent
at once (one thread and one connection per request, released together by a barrier).

Since issue 14 every request arrives at once (202) and the workers examine it: each answer
below is the outcome read from the arrival's status URL (201 = received, else the problem).

Expected per storm: one 201, every other answer 409 duplicate-application whose
existing_application.receipt_number is the 201's, no other status, and one non-draft application
stored for the resident (or household) and procedure. One line per storm:

    storm: kind=resident requests=100 accepted=1 refused=99 pointing=99 other=0 stored=1 \
        seconds=0.84   (on one line)

The exit status is non-zero when any check fails.

Environment: STORM_BASE_URL (the server, e.g. http://127.0.0.1:8000), SURGE_DIR (holds the api_key
file written by prepare.py), and the database of the server: DATABASE_URL, or MADOGUCHI_VAR_DIR for
SQLite; SECRET_KEY must be the one the PKI was set up with (its keys are wrapped with it).

Standalone, against a database prepared by bench/surge/prepare.py and a server on it:

    export SECRET_KEY=... DATABASE_URL=postgres://postgres@127.0.0.1:55432/storm_bench
    SURGE_DIR=/tmp/storm-surge MADOGUCHI_ENV=development .venv/bin/python bench/surge/prepare.py
    (start gunicorn on that database, as bench/surge.sh does, on port 8123)
    STORM_BASE_URL=http://127.0.0.1:8123 SURGE_DIR=/tmp/storm-surge \
        .venv/bin/python bench/surge/storm.py

It can be run again on the same database: each run picks a surge resident who has not applied for
the procedure yet and creates a new household.
"""

from __future__ import annotations

import base64
import copy
import datetime
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
# Under bench/surge.sh the environment holds the server's production settings; this script is a
# client with database access, like the preparation (crash.py does the same).
os.environ["MADOGUCHI_ENV"] = "development"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

BASE = os.environ["STORM_BASE_URL"].rstrip("/")
OUT = Path(os.environ.get("SURGE_DIR", "/tmp/madoguchi-surge"))
REQUESTS = int(os.environ.get("STORM_REQUESTS", "100"))
MUNICIPALITY = "131016"
RESIDENT_PROCEDURE = os.environ.get("STORM_RESIDENT_PROCEDURE", "child-allowance-unpaid")
HOUSEHOLD_PROCEDURE = os.environ.get("STORM_HOUSEHOLD_PROCEDURE", "care-high-cost")
HOUSEHOLD_MEMBERS = int(os.environ.get("STORM_HOUSEHOLD_MEMBERS", "4"))
MAIN_PROCEDURE = os.environ.get("SURGE_PROCEDURE", "child-allowance-change")
DUPLICATE = "/duplicate-application"


@dataclass(frozen=True)
class Answer:
    status: int  # 0 when the request failed without an HTTP answer
    receipt: str | None  # the 201's receipt, or the 409's existing_application receipt
    problem: str  # problem type of an error answer, or the exception


def limit_set(*, procedure_code: str, how: str) -> None:
    from madoguchi.catalog.services import offering_upsert

    offering_upsert(
        municipality_code=MUNICIPALITY, procedure_code=procedure_code, application_limit=how
    )


def signed_bodies(*, procedure_code: str, signers: Sequence[Any], count: int) -> list[bytes]:
    """`count` request bodies for the published form of `procedure_code`, signed in turn by
    `signers` (the preset's sample answers, with a different phone number in each)."""
    from madoguchi.forms import presets
    from madoguchi.forms.selectors import form_validate, published_form_version_for
    from madoguchi.signatures import services as signature_services
    from madoguchi.signatures.payload import signing_payload

    preset = presets.preset_get(procedure_code)
    assert preset is not None, procedure_code
    assert preset.definition["signature_required"], f"{procedure_code} needs no signature"
    version = published_form_version_for(
        municipality_code=MUNICIPALITY, procedure_code=procedure_code
    )
    assert version is not None, f"{procedure_code} is not published for {MUNICIPALITY}"
    phone = next((k for k in preset.samples[0] if k.endswith(".phone")), None)
    signed_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    bodies = []
    for n in range(count):
        signer = signers[n % len(signers)]
        # The signer's block names the card holder (signer binding, issue 20).
        from madoguchi.applications.testing import answers_naming

        answers = answers_naming(signer, copy.deepcopy(preset.samples[0]))
        if phone:
            answers[phone] = f"03-9876-{n:04d}"
        normalised = form_validate(form_version=version, answers=answers)
        assert normalised.is_valid, normalised.errors
        payload = signing_payload(
            procedure_code=procedure_code,
            municipality_code=MUNICIPALITY,
            form_version_hash=version.content_hash,
            answers=normalised.answers,
            attachments=[],
            signed_at=signed_at,
        )
        cms = signature_services.signature_sign(
            resident=signer, payload=payload, pin=signature_services.DEMO_SIGN_PIN
        )
        body = {
            "municipality_code": MUNICIPALITY,
            "procedure_code": procedure_code,
            "answers": answers,
            "signed_at": signed_at.isoformat().replace("+00:00", "Z"),
            "signature": base64.b64encode(cms).decode(),
        }
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return bodies


def fire(*, bodies: Sequence[bytes], key: str) -> tuple[list[Answer], float]:
    """Send every body at once, one connection each; the answers and the storm's seconds."""
    answers: list[Answer | None] = [None] * len(bodies)
    started = [0.0]
    barrier = threading.Barrier(
        len(bodies), action=lambda: started.__setitem__(0, time.monotonic())
    )

    def send(index: int) -> None:
        with httpx.Client(
            base_url=BASE,
            timeout=120,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        ) as http:
            barrier.wait()
            try:
                response = http.post("/api/v1/applications", content=bodies[index])
                if response.status_code == 202:  # arrived: read the status URL until examined
                    response = outcome_of(http, response.json()["status_url"])
            except httpx.HTTPError as error:
                answers[index] = Answer(0, None, repr(error))
                return
        answers[index] = answer_of(response)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started[0]
    return [a if a is not None else Answer(0, None, "no answer") for a in answers], seconds


class Outcome:
    """An examined arrival as the synchronous path answered it: 201 with the application, or
    the problem's own status with the problem document."""

    def __init__(self, status: dict[str, Any]) -> None:
        if status["state"] == "received":
            self.status_code, self.body = 201, status["application"]
        else:
            self.status_code, self.body = int(status["problem"]["status"]), status["problem"]
        self.text = json.dumps(self.body)

    def json(self) -> Any:
        return self.body


def outcome_of(http: httpx.Client, status_url: str, wait: float = 120.0) -> Any:
    deadline = time.monotonic() + wait
    while True:
        read = http.get(status_url)
        if read.status_code != 200 or read.json()["state"] != "arrived":
            return Outcome(read.json()) if read.status_code == 200 else read
        if time.monotonic() > deadline:
            return read
        time.sleep(float(read.headers.get("Retry-After", "1")) / 4)


def answer_of(response: Any) -> Answer:
    try:
        body = response.json()
    except ValueError:
        return Answer(response.status_code, None, response.text[:200])
    if response.status_code == 201:
        return Answer(201, body.get("receipt_number"), "")
    existing = body.get("existing_application") or {}
    return Answer(response.status_code, existing.get("receipt_number"), str(body.get("type", "")))


def judge(*, kind: str, answers: Sequence[Answer], stored: int, seconds: float) -> bool:
    """Print the storm line (and what went wrong); True when every check holds."""
    accepted = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409 and a.problem.endswith(DUPLICATE)]
    other = [
        a
        for a in answers
        if a.status != 201 and not (a.status == 409 and a.problem.endswith(DUPLICATE))
    ]
    receipt = accepted[0].receipt if len(accepted) == 1 else None
    pointing = sum(1 for a in refused if receipt is not None and a.receipt == receipt)
    print(
        f"storm: kind={kind} requests={len(answers)} accepted={len(accepted)} "
        f"refused={len(refused)} pointing={pointing} other={len(other)} stored={stored} "
        f"seconds={seconds:.2f}",
        flush=True,
    )
    for answer in other[:5]:
        print(f"storm: kind={kind} unexpected {answer.status}: {answer.problem}", file=sys.stderr)
    return (
        len(accepted) == 1
        and len(refused) == len(answers) - 1
        and pointing == len(refused)
        and not other
        and stored == 1
    )


def storm_resident(key: str) -> bool:
    from madoguchi.accounts.models import Resident
    from madoguchi.applications.models import Application

    assert RESIDENT_PROCEDURE != MAIN_PROCEDURE
    limit_set(procedure_code=RESIDENT_PROCEDURE, how="resident")
    applied = (
        Application.objects.filter(procedure_code=RESIDENT_PROCEDURE)
        .exclude(status="draft")
        .values("resident_id")
    )
    resident = (
        Resident.objects.filter(household__code__startswith="SURGE", municipality_id=MUNICIPALITY)
        .exclude(pk__in=applied)
        .order_by("pk")
        .first()
    )
    assert resident is not None, "no surge resident left: run bench/surge/prepare.py"
    bodies = signed_bodies(procedure_code=RESIDENT_PROCEDURE, signers=[resident], count=REQUESTS)
    answers, seconds = fire(bodies=bodies, key=key)
    stored = (
        Application.objects.filter(resident=resident, procedure_code=RESIDENT_PROCEDURE)
        .exclude(status="draft")
        .count()
    )
    return judge(kind="resident", answers=answers, stored=stored, seconds=seconds)


def household_create() -> list[Any]:
    """A new household of HOUSEHOLD_MEMBERS residents, each with a card. Its code starts with
    STORMH, not SURGE: prepare.py counts SURGE households to know how many residents it made."""
    from django.db import transaction

    from madoguchi.accounts.models import Household, Resident
    from madoguchi.signatures import services as signature_services

    with transaction.atomic():
        number = Household.objects.filter(code__startswith="STORMH").count()
        household = Household.objects.create(
            municipality_id=MUNICIPALITY, code=f"STORMH{number:05d}"
        )
        members = [
            Resident.objects.create(
                municipality_id=MUNICIPALITY,
                household=household,
                is_householder=i == 0,
                relationship="世帯主" if i == 0 else "子",
                family_name="𠮷田",
                given_name=f"嵐{number}の{i}",
                family_name_kana="ヨシダ",
                given_name_kana="アラシ",
                birth_date=datetime.date(1980 + 5 * i, 1 + i, 1 + i),
                gender="1",
                postal_code="1020083",
                address=f"東京都千代田区麹町三丁目{number}番",
                email="",
            )
            for i in range(HOUSEHOLD_MEMBERS)
        ]
    for member in members:
        signature_services.card_issue(resident=member)
    return members


def storm_household(key: str) -> bool:
    from madoguchi.applications.models import Application

    assert HOUSEHOLD_PROCEDURE not in (MAIN_PROCEDURE, RESIDENT_PROCEDURE)
    limit_set(procedure_code=HOUSEHOLD_PROCEDURE, how="household")
    members = household_create()
    bodies = signed_bodies(procedure_code=HOUSEHOLD_PROCEDURE, signers=members, count=REQUESTS)
    answers, seconds = fire(bodies=bodies, key=key)
    stored = (
        Application.objects.filter(
            resident__household=members[0].household, procedure_code=HOUSEHOLD_PROCEDURE
        )
        .exclude(status="draft")
        .count()
    )
    return judge(kind="household", answers=answers, stored=stored, seconds=seconds)


def main() -> None:
    # PIN hashes of the storm household's cards: the fast hasher, as in prepare.py (the server
    # never checks them; all signing happens here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    key = (OUT / "api_key").read_text(encoding="utf-8").strip()
    results = [storm_resident(key), storm_household(key)]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
