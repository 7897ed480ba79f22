import base64
import copy
import datetime
import hashlib
import threading
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone

from madoguchi.api.arrivals import client_cache_clear
from madoguchi.api.keys import credential_cache
from madoguchi.api.residents import resident_token_cache_clear
from madoguchi.api.services import api_client_create
from madoguchi.api.submission import form_cache_clear, signer_cache_clear
from madoguchi.forms import presets
from madoguchi.forms.selectors import form_validate
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.signatures.payload import signing_payload
from madoguchi.signatures.testing import demo_resident, sign_as

PHOTO = b"\xff\xd8\xff\xe0 a tiny jpeg for tests"


@pytest.fixture(autouse=True)
def _fresh_api_caches():
    """Process caches outlive a test's rolled-back database."""
    for clear in (
        credential_cache.clear,
        form_cache_clear,
        signer_cache_clear,
        cache.clear,
        client_cache_clear,
    ):
        clear()
    resident_token_cache_clear()
    yield
    for clear in (credential_cache.clear, form_cache_clear, signer_cache_clear, client_cache_clear):
        clear()
    resident_token_cache_clear()


@pytest.fixture
def disaster_form(pki, catalog):
    municipal_form = form_adopt_preset(
        municipality_code="131016", procedure_code="disaster-certificate", actor=None
    )
    return form_publish(municipal_form=municipal_form, actor=None)


@pytest.fixture
def sample_answers():
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    answers = copy.deepcopy(preset.samples[0])
    answers["attachments.photos"] = {
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "size": len(PHOTO),
        "sha256": hashlib.sha256(PHOTO).hexdigest(),
    }
    return answers


@pytest.fixture
def taro(pki):
    return demo_resident("yoshida-taro")


@pytest.fixture
def hanako(pki):
    return demo_resident("yoshida-hanako")


@pytest.fixture
def portal(db):
    """A portal client with search and apply, and its raw test and live keys."""
    client, test, live = api_client_create(
        client_id="acme-portal", name="Acme", scopes=["search", "apply"], rate=""
    )
    return {"client": client, "test": test.raw, "live": live.raw}


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def now_seconds():
    return timezone.now().replace(microsecond=0)


def payload_for(form_version, answers, signed_at):
    normalised = form_validate(form_version=form_version, answers=answers).answers
    files = [
        {"name": v["name"], "sha256": v["sha256"]}
        for v in normalised.values()
        if isinstance(v, dict) and "sha256" in v
    ]
    return signing_payload(
        procedure_code=form_version.procedure_code,
        municipality_code=form_version.municipality_id,
        form_version_hash=form_version.content_hash,
        answers=normalised,
        attachments=files,
        signed_at=signed_at,
    )


def signed_body(form_version, answers, signer, *, signed_at=None, payload=None, files=True):
    signed_at = signed_at or now_seconds()
    payload = payload if payload is not None else payload_for(form_version, answers, signed_at)
    body = {
        "form_version_id": str(form_version.pk),
        "answers": answers,
        "signed_at": signed_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "signature": base64.b64encode(sign_as(signer, payload)).decode(),
    }
    if files:
        body["files"] = {"attachments.photos": {"content_base64": base64.b64encode(PHOTO).decode()}}
    return body


def outcome_of(status_body: dict[str, Any]) -> tuple[int, Any]:
    """An examined arrival as the synchronous path answered it: 201 with the application, or the
    problem's own status with the problem document (the worker keeps the same codes)."""
    assert status_body["state"] in {"received", "refused"}, status_body
    if status_body["state"] == "received":
        return 201, status_body["application"]
    return status_body["problem"]["status"], status_body["problem"]


class Examined:
    """What POST /api/v1/applications led to once a worker examined the arrival: `arrival` is
    the 202 response, `status` the body of GET on its status URL; status_code and json() are
    the outcome as outcome_of gives it."""

    def __init__(self, arrival: Any, status: dict[str, Any]) -> None:
        self.arrival = arrival
        self.status = status
        self.status_code, self._body = outcome_of(status)

    def json(self) -> Any:
        return self._body

    def __getitem__(self, header: str) -> str:
        return str(self.arrival[header])


class ExaminingHttp:
    """An httpx client of a live server whose POSTs that arrive (202) come back examined: this
    process runs the worker, then reads the status URL (outcome_of). Anything else is as is."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def post(self, url: str, **kwargs: Any) -> Any:
        from madoguchi.applications.arrivals import arrivals_work

        response = self.client.post(url, **kwargs)
        if response.status_code != 202:
            return response
        arrivals_work()
        status = self.client.get(response.json()["status_url"])
        assert status.status_code == 200, status.text
        return HttpExamined(response, status.json())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


class HttpExamined(Examined):
    def __init__(self, arrival: httpx.Response, status: dict[str, Any]) -> None:
        super().__init__(arrival, status)
        self.headers = arrival.headers


def submit(client, body, key, url="/api/v1/applications", **headers):
    """POST a signed body (Django test client), let a worker examine what arrived, read the
    status URL. A refusal before arrival (400, 401, 403, 409, 413, 422) comes back as is."""
    from madoguchi.applications.arrivals import arrivals_work

    response = client.post(url, body, content_type="application/json", **bearer(key), **headers)
    if response.status_code != 202:
        return response
    arrived = response.json()
    assert response["Location"] == arrived["status_url"]
    assert arrived["state"] in {"arrived", "received", "refused"}
    arrivals_work()
    status = client.get(arrived["status_url"], **bearer(key))
    assert status.status_code == 200, status.content
    return Examined(response, status.json())


def post_copies_at_once(
    *,
    base_url: str,
    api_key: str,
    body: dict[str, Any],
    copies: int,
    key_prefix: str,
    examine_here: bool = True,
) -> list[tuple[int, Any]]:
    """POST the same signed body `copies` times at once (a barrier releases every thread
    together), each with its own Idempotency-Key. Returns (status, JSON body) per copy."""
    answers: list[Any] = [None] * copies
    barrier = threading.Barrier(copies)

    def send(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            barrier.wait()
            response = client.post(
                "/api/v1/applications",
                json=body,
                headers={
                    "Authorization": f"Bearer {api_key}",
                    "Idempotency-Key": f"{key_prefix}-{index}",
                },
            )
        answers[index] = (response.status_code, response.json())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return examined_over_http(
        base_url=base_url, api_key=api_key, answers=answers, examine_here=examine_here
    )


def examined_over_http(
    *,
    base_url: str,
    api_key: str,
    answers: list[tuple[int, Any]],
    wait: float = 60.0,
    examine_here: bool = True,
) -> list[tuple[int, Any]]:
    """Each 202 among `answers` replaced by its outcome (outcome_of), read from its status URL
    until a worker examined it; this process examines too (unless not `examine_here`), so a
    server without its own workers (Django's live server) still gets there."""
    import time

    from madoguchi.applications.arrivals import arrivals_work

    deadline = time.monotonic() + wait
    result = list(answers)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for index, (status, body) in enumerate(answers):
            if status != 202:
                continue
            while True:
                if examine_here:
                    arrivals_work()
                read = client.get(
                    body["status_url"], headers={"Authorization": f"Bearer {api_key}"}
                )
                assert read.status_code == 200, read.text
                if read.json()["state"] != "arrived":
                    result[index] = outcome_of(read.json())
                    break
                assert time.monotonic() < deadline, read.json()
                time.sleep(float(read.headers.get("Retry-After", "1")) / 10)
    return result


def assert_received_once(answers: list[tuple[int, Any]]) -> str:
    """One 201 and only signature-replayed 409s naming it; returns the receipt number."""
    assert sorted(status for status, _ in answers) == [201] + [409] * (len(answers) - 1), answers
    receipt: str = next(b["receipt_number"] for s, b in answers if s == 201)
    refused = [b for s, b in answers if s == 409]
    assert {b["type"].rsplit("/", 1)[1] for b in refused} == {"signature-replayed"}
    assert {b["existing_application"]["receipt_number"] for b in refused} == {receipt}
    return receipt
