"""The worker examining an API arrival scans its files before storing anything: an infected
file ends the arrival 受付不可 at its field (docs/scanning.md, docs/arrival.md)."""

import base64
import hashlib

import pytest

from madoguchi.applications.arrivals import arrival_work_one
from madoguchi.applications.models import Application, Attachment
from madoguchi.audit.models import AuditEvent
from madoguchi.core.scanning import EICAR

from .conftest import bearer, signed_body

pytestmark = pytest.mark.django_db

INFECTED = b"\xff\xd8\xff\xe0" + EICAR


def test_an_infected_file_is_422_at_its_field_and_nothing_is_stored(
    clamd, client, portal, disaster_form, sample_answers, taro
):
    sample_answers["attachments.photos"] = {
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "size": len(INFECTED),
        "sha256": hashlib.sha256(INFECTED).hexdigest(),
    }
    body = signed_body(disaster_form, sample_answers, taro, files=False)
    body["files"] = {"attachments.photos": {"content_base64": base64.b64encode(INFECTED).decode()}}
    response = client.post(
        "/api/v1/applications", body, content_type="application/json", **bearer(portal["test"])
    )
    assert response.status_code == 202, response.content
    assert arrival_work_one() is not None
    status = client.get(response.json()["status_url"], **bearer(portal["test"])).json()
    assert status["state"] == "refused", status
    problem = status["problem"]
    assert problem["status"] == 422
    assert problem["type"].endswith("/attachment-infected")
    assert problem["errors"][0]["field"] == "files.attachments.photos"
    assert "ウイルス" in problem["errors"][0]["message"]
    assert not Application.objects.exists() and not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action="attachment.infected").exists()


def test_a_clean_file_is_received_clean(clamd, client, portal, disaster_form, sample_answers, taro):
    body = signed_body(disaster_form, sample_answers, taro)
    response = client.post(
        "/api/v1/applications", body, content_type="application/json", **bearer(portal["test"])
    )
    assert response.status_code == 202, response.content
    assert arrival_work_one() is not None
    assert Application.objects.get().receipt_number
    assert Attachment.objects.get().scan_status == "clean"
