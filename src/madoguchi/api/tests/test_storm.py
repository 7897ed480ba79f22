"""The duplicate storm of issue 8 over real HTTP: many concurrent signed submissions for an
offering limited to one application per resident (or household) give exactly one application,
and every other request a 409 pointing to its receipt number.

The bodies are signed before the storm; then one thread per request, each with its own
connection, is released by a barrier so the requests reach the live server together.
"""

import threading
from typing import Any

import httpx
import pytest
from django.core.servers.basehttp import WSGIServer

from madoguchi.applications.models import Application
from madoguchi.applications.testing import answers_naming
from madoguchi.applications.types import Status
from madoguchi.catalog.services import offering_upsert
from madoguchi.forms import presets
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.signatures.testing import demo_resident

from .conftest import examined_over_http, signed_body

pytestmark = pytest.mark.django_db(transaction=True)

# Django's test server listens with a backlog of 10 (WSGIServer.request_queue_size). 100 connects
# at once overflow it; Linux then answers with SYN cookies, the client believes it is connected,
# the server cannot accept the connection and resets it ("Connection reset by peer" for ~2 in 3
# requests, on SQLite and PostgreSQL alike). That is the test server, not the application:
# gunicorn listens with a backlog of 2048. Same backlog here for the storm.
BACKLOG = 2048

# Benefit-like procedures whose sample answers carry no file (the body is answers + signature).
RESIDENT_PROCEDURE = "child-allowance-unpaid"
HOUSEHOLD_PROCEDURE = "care-high-cost"
# Every member of the demo household H0001 (accounts/data/demo.json).
HOUSEHOLD = ["yoshida-taro", "yoshida-hanako", "yoshida-haruto", "yoshida-yui"]


@pytest.fixture
def server(live_server):
    """The session's live server, listening with gunicorn's backlog during the test."""
    listening = live_server.thread.httpd.socket
    listening.listen(BACKLOG)  # listen() again on a listening socket only resizes its queue
    yield live_server.url
    listening.listen(WSGIServer.request_queue_size)


def limited_form(procedure_code, how):
    """Publish the preset form for 千代田区 and limit its offering to one application per
    resident or household (through the catalog service, as staff would)."""
    municipal_form = form_adopt_preset(
        municipality_code="131016", procedure_code=procedure_code, actor=None
    )
    version = form_publish(municipal_form=municipal_form, actor=None)
    offering_upsert(
        municipality_code="131016", procedure_code=procedure_code, application_limit=how
    )
    return version


def bodies_for(version, signers, count):
    preset = presets.preset_get(version.procedure_code)
    assert preset is not None
    sample = preset.samples[0]
    phone = next(k for k in sample if k.endswith(".phone"))  # varied: 100 distinct requests
    return [
        signed_body(
            version,
            answers_naming(signers[n % len(signers)], {**sample, phone: f"03-9876-{n:04d}"}),
            signers[n % len(signers)],
            files=False,
        )
        for n in range(count)
    ]


def storm(base_url, key, bodies):
    """POST every body at once; each arrives (202); once examined, the outcomes (outcome_of:
    201 with the application, or the problem's status and document), in order."""
    answers: list[tuple[int, Any] | None] = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def send(index):
        with httpx.Client(
            base_url=base_url, timeout=120, headers={"Authorization": f"Bearer {key}"}
        ) as http:
            barrier.wait()
            try:
                response = http.post("/api/v1/applications", json=bodies[index])
            except httpx.HTTPError as error:  # reported by the assertions, not raised here
                answers[index] = (0, {"error": repr(error)})
                return
        try:
            answers[index] = (response.status_code, response.json())
        except ValueError:
            answers[index] = (response.status_code, {"text": response.text[:2000]})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None and answer[0] == 202 for answer in answers), [
        a for a in answers if a is None or a[0] != 202
    ][:3]
    arrived = [answer for answer in answers if answer is not None]
    return examined_over_http(base_url=base_url, api_key=key, answers=arrived)


def assert_one_application_and_pointers(answers):
    statuses = sorted({status for status, _ in answers})
    unexpected = [(s, b) for s, b in answers if s not in (201, 409)]
    assert not unexpected, (len(unexpected), unexpected[:3])
    accepted = [body for status, body in answers if status == 201]
    refused = [body for status, body in answers if status == 409]
    assert len(accepted) == 1, statuses
    assert len(refused) == len(answers) - 1
    receipt = accepted[0]["receipt_number"]
    assert {body["type"].rsplit("/", 1)[1] for body in refused} == {"duplicate-application"}
    assert {body["existing_application"]["receipt_number"] for body in refused} == {receipt}
    # A clear answer in Japanese that names the receipt the resident already holds.
    display = refused[0]["existing_application"]["receipt_display"]
    assert display in refused[0]["title"] and "すでに申請" in refused[0]["title"]
    return receipt


def test_one_resident_storm_of_100_gives_one_application(server, portal, catalog, pki):
    version = limited_form(RESIDENT_PROCEDURE, "resident")
    taro = demo_resident("yoshida-taro")
    bodies = bodies_for(version, [taro], 100)

    answers = storm(server, portal["test"], bodies)

    receipt = assert_one_application_and_pointers(answers)
    stored = Application.objects.filter(resident=taro, procedure_code=RESIDENT_PROCEDURE).exclude(
        status=Status.DRAFT
    )
    assert [a.receipt_number for a in stored] == [receipt]
    # Refused requests leave nothing behind, not even a draft.
    assert Application.objects.filter(procedure_code=RESIDENT_PROCEDURE).count() == 1


def test_household_storm_gives_one_application_for_all_members(server, portal, catalog, pki):
    version = limited_form(HOUSEHOLD_PROCEDURE, "household")
    members = [demo_resident(key) for key in HOUSEHOLD]
    assert len({m.household_id for m in members}) == 1
    bodies = bodies_for(version, members, 40)

    answers = storm(server, portal["test"], bodies)

    receipt = assert_one_application_and_pointers(answers)
    stored = Application.objects.filter(
        resident__household_id=members[0].household_id, procedure_code=HOUSEHOLD_PROCEDURE
    ).exclude(status=Status.DRAFT)
    assert [a.receipt_number for a in stored] == [receipt]
    assert Application.objects.filter(procedure_code=HOUSEHOLD_PROCEDURE).count() == 1
