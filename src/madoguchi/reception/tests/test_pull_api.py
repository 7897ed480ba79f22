"""The core-system pull API, driven as a core system would over plain HTTP."""

import httpx
import pytest

from madoguchi.applications.types import Status
from madoguchi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


class CoreSystem:
    """A minimal core system: pulls pages, stores, acknowledges — and can crash."""

    def __init__(self, base_url, token):
        self.http = httpx.Client(
            base_url=base_url + "/api/v1/reception", headers={"Authorization": f"Bearer {token}"}
        )
        self.stored: list[str] = []

    def pull(self, *, crash_before_ack_after=None, limit=2):
        cursor = None
        fetched = 0
        while True:
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            page = self.http.get("/applications", params=params)
            assert page.status_code == 200, page.text
            body = page.json()
            for summary in body["results"]:
                document = self.http.get(summary["url"].split("/reception")[1]).json()
                assert document["answers"]["applicant.name"]["family"]
                if document["receipt_number"] not in self.stored:
                    self.stored.append(document["receipt_number"])
                fetched += 1
                if crash_before_ack_after is not None and fetched > crash_before_ack_after:
                    raise ConnectionAbortedError("core system crashed before acknowledging")
                ack = self.http.post(f"/applications/{document['receipt_number']}/ack")
                assert ack.status_code == 200
            cursor = body["next_cursor"]
            if cursor is None:
                return


def test_pull_acknowledge_and_crash_loses_and_duplicates_nothing(
    live_server, received, chiyoda_token
):
    core = CoreSystem(live_server.url, chiyoda_token)
    with pytest.raises(ConnectionAbortedError):
        core.pull(crash_before_ack_after=2)  # stored 3, acknowledged 2
    assert len(core.stored) == 3
    # After the restart the unacknowledged ones come again; the core system dedupes by receipt.
    core.pull()
    assert core.stored == [a.receipt_number for a in received]  # oldest first, each once
    again = core.http.get("/applications").json()
    assert again["results"] == [] and again["next_cursor"] is None
    everything = core.http.get("/applications", params={"include_acknowledged": "true"}).json()
    assert [r["receipt_number"] for r in everything["results"]] == core.stored


def test_ack_twice_is_harmless_and_a_resubmission_is_offered_again(client, received, chiyoda_token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {chiyoda_token}"}
    number = received[0].receipt_number
    first = client.post(f"/api/v1/reception/applications/{number}/ack", **auth).json()
    second = client.post(f"/api/v1/reception/applications/{number}/ack", **auth).json()
    assert first["first_time"] is True and second["first_time"] is False
    listed = client.get("/api/v1/reception/applications", **auth).json()["results"]
    assert number not in [r["receipt_number"] for r in listed]
    assert AuditEvent.objects.filter(action="reception.api_acknowledged").count() == 1


def test_document_has_answers_by_item_code_signature_and_history(client, received, chiyoda_token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {chiyoda_token}"}
    application = received[1]
    display = application.receipt_display.lower()  # typed with hyphens, lower case
    body = client.get(f"/api/v1/reception/applications/{display}", **auth).json()
    assert body["answers"]["applicant.name"] == {"family": "葛󠄀城", "given": "健"}
    assert body["signature"]["outcome"] == "valid"
    assert body["signature"]["serial"] == application.signature_evidence.serial
    assert body["history"][0]["to_status"] == "submitted"
    assert body["form_version"]["content_hash"] == application.form_version.content_hash
    assert AuditEvent.objects.filter(
        action="reception.api_read", object_id=application.receipt_number
    ).exists()


def test_status_report_and_errors_are_problem_details(client, received, chiyoda_token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {chiyoda_token}"}
    url = f"/api/v1/reception/applications/{received[0].receipt_number}/status"
    response = client.post(url, {"status": "returned"}, content_type="application/json", **auth)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "message"
    response = client.post(
        url,
        {"status": "returned", "message": "番地を確認してください。"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RETURNED
    response = client.post(url, {"status": "completed"}, content_type="application/json", **auth)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert "できません" in response.json()["title"]
    response = client.get("/api/v1/reception/applications", {"cursor": "not-a-cursor"}, **auth)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "cursor"
    response = client.get("/api/v1/reception/applications", {"status": "nope"}, **auth)
    assert response.status_code == 400


def test_status_filter_and_openapi_descriptions(client, received, chiyoda_token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {chiyoda_token}"}
    from madoguchi.applications.services import application_status_change

    application_status_change(application=received[2], to_status="in_review", actor=None)
    listed = client.get("/api/v1/reception/applications", {"status": "in_review"}, **auth).json()[
        "results"
    ]
    assert [r["receipt_number"] for r in listed] == [received[2].receipt_number]
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "受付一覧" in schema and "List applications not yet acknowledged" in schema


def test_credential_command_prints_the_token_once_and_stores_only_its_hash(demo):
    import io

    from django.core.management import call_command

    from madoguchi.reception.models import ApiCredential

    out = io.StringIO()
    call_command("reception_api_credential_create", "131016", "--name", "基幹", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("mdg_")
    credential = ApiCredential.objects.get()
    assert token not in {credential.token_sha256, credential.prefix}
    assert credential.token_sha256 != token
