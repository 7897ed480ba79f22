"""Issue 14: the arrival (到達) answers at once; the status URL tells where it stands."""

import pytest

from madoguchi.applications import arrivals
from madoguchi.applications.models import Application, Arrival
from madoguchi.audit.models import AuditEvent

from .conftest import bearer, signed_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications"


def test_arrival_is_202_with_number_time_and_a_cheap_status_url(
    client, portal, disaster_form, sample_answers, taro
):
    response = client.post(
        URL,
        signed_body(disaster_form, sample_answers, taro),
        content_type="application/json",
        **bearer(portal["test"]),
    )
    assert response.status_code == 202, response.json()
    arrived = response.json()
    assert arrived["state"] == "arrived" and arrived["application"] is None
    assert response["Retry-After"] == "1"
    assert not Application.objects.exists()  # nothing examined yet
    status_url = arrived["status_url"]
    waiting = client.get(status_url, **bearer(portal["test"]))
    assert waiting.status_code == 200 and waiting.json()["state"] == "arrived"
    assert waiting["Retry-After"] == "1"
    etag = waiting["ETag"]
    unchanged = client.get(status_url, HTTP_IF_NONE_MATCH=etag, **bearer(portal["test"]))
    assert unchanged.status_code == 304
    # The number is forgiving as typed (hyphens, lower case), like receipt numbers.
    typed = status_url.replace(arrived["arrival_number"], arrived["arrival_display"].lower())
    assert client.get(typed, **bearer(portal["test"])).json()["state"] == "arrived"
    # Nobody else sees it: the same client's live key, or another client.
    assert client.get(status_url, **bearer(portal["live"])).status_code == 404

    assert arrivals.arrivals_work() == 1
    done = client.get(status_url, HTTP_IF_NONE_MATCH=etag, **bearer(portal["test"]))
    assert done.status_code == 200 and done["ETag"] != etag and "Retry-After" not in done
    body = done.json()
    assert body["state"] == "received" and body["problem"] is None
    application = Application.objects.get()
    assert body["application"]["receipt_number"] == application.receipt_number
    assert Arrival.objects.get().application == application


def test_an_unknown_form_version_is_refused_before_arrival(client, portal, disaster_form):
    body = {
        "form_version_id": "00000000-0000-4000-8000-000000000000",
        "answers": {},
        "signed_at": "2026-04-01T01:14:58Z",
        "signature": "AAAA",
    }
    response = client.post(URL, body, content_type="application/json", **bearer(portal["test"]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "form_version_id"
    assert not Arrival.objects.exists()


def test_an_examination_that_fails_is_tried_again_then_ends_refused(
    client, portal, disaster_form, sample_answers, taro, monkeypatch
):
    client.post(
        URL,
        signed_body(disaster_form, sample_answers, taro),
        content_type="application/json",
        **bearer(portal["test"]),
    )

    def broken(arrival):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(arrivals._handlers, "api.signed", broken)
    arrival = arrivals.arrival_work_one()
    assert arrival is not None and arrival.state == "arrived" and arrival.attempts == 1
    assert arrivals.arrival_work_one() is None  # not before its back-off
    for attempt in range(2, arrivals.MAX_ATTEMPTS + 1):
        Arrival.objects.update(not_before=None)
        arrival = arrivals.arrival_work_one()
        assert arrival is not None and arrival.attempts == attempt
    assert arrival.state == "refused" and arrival.problem["code"] == "reception_failed"
    status = client.get(f"/api/v1/arrivals/{arrival.number}", **bearer(portal["test"])).json()
    assert status["problem"]["type"].endswith("/reception-failed")
    assert AuditEvent.objects.filter(action="arrival.refused", object_id=arrival.number).exists()
    assert not Application.objects.exists()
