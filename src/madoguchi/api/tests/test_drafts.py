"""Step by step for a resident signed in with OpenID Connect: draft → answers → attachment →
validate → signing payload → submit → status, over real HTTP (the token is checked against the
development IdP's userinfo endpoint on the live server)."""

import base64
import datetime

import httpx
import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from madoguchi.applications.arrivals import arrivals_work
from madoguchi.applications.models import Application
from madoguchi.idp import services as idp_services
from madoguchi.idp import testing as idp_testing
from madoguchi.signatures.testing import sign_as

from .conftest import PHOTO

pytestmark = pytest.mark.django_db(transaction=True)


def access_token(resident, value):
    idp_testing.register_client(redirect_uris=["http://localhost/callback"])
    application = get_application_model().objects.get(client_id=idp_testing.TEST_CLIENT_ID)
    identity = idp_services.demo_identity_get_or_create(resident=resident)
    get_access_token_model().objects.create(
        user=identity.user,
        application=application,
        token=value,
        expires=timezone.now() + datetime.timedelta(minutes=10),
        scope="openid name",
    )
    return value


@pytest.fixture
def api(live_server, settings, portal):
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    with httpx.Client(
        base_url=f"{live_server.url}/api/v1/",
        headers={"Authorization": f"Bearer {portal['test']}"},
        timeout=30,
    ) as client:
        yield client


def test_draft_flow_for_a_signed_in_resident(api, disaster_form, sample_answers, taro, hanako):
    token = access_token(taro, "taro-access-token")
    as_taro = {"X-Resident-Token": token}

    # No token, a wrong token: 401 problems.
    no_token = api.post("applications/drafts", json={"form_version_id": str(disaster_form.pk)})
    assert no_token.status_code == 401
    assert no_token.json()["type"].endswith("/resident-token-required")
    wrong = api.post(
        "applications/drafts",
        json={"form_version_id": str(disaster_form.pk)},
        headers={"X-Resident-Token": "nope"},
    )
    assert wrong.status_code == 401 and wrong.json()["type"].endswith("/resident-token-invalid")

    answers = {k: v for k, v in sample_answers.items() if k != "attachments.photos"}
    created = api.post(
        "applications/drafts",
        json={
            "municipality_code": "131016",
            "procedure_code": "disaster-certificate",
            "answers": {"disaster.date": "2999-01-01"},
        },
        headers={**as_taro, "Idempotency-Key": "draft-1"},
    )
    assert created.status_code == 201, created.text
    draft = created.json()
    app_id = draft["application"]["id"]
    assert draft["application"]["status"] == "draft"
    assert [e["field"] for e in draft["errors"]] == ["answers.disaster.date"]
    replay = api.post(
        "applications/drafts",
        json={
            "municipality_code": "131016",
            "procedure_code": "disaster-certificate",
            "answers": {"disaster.date": "2999-01-01"},
        },
        headers={**as_taro, "Idempotency-Key": "draft-1"},
    )
    assert replay.json()["application"]["id"] == app_id
    assert Application.objects.count() == 1

    saved = api.patch(f"applications/{app_id}/answers", json={"answers": answers}, headers=as_taro)
    assert saved.status_code == 200 and saved.json()["errors"] == []

    report = api.post(f"applications/{app_id}/validate", headers=as_taro).json()
    assert report["valid"] is False
    assert {e["field"] for e in report["errors"]} == {"answers.attachments.photos"}

    not_yet = api.get(f"applications/{app_id}/signing-payload", headers=as_taro)
    assert not_yet.status_code == 422

    upload = api.post(
        f"applications/{app_id}/attachments",
        data={"item_path": "attachments.photos"},
        files={"file": ("photo.jpg", PHOTO, "image/jpeg")},
        headers={**as_taro, "Idempotency-Key": "photo-1"},
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["sha256"] == sample_answers["attachments.photos"]["sha256"]
    assert api.post(f"applications/{app_id}/validate", headers=as_taro).json() == {
        "valid": True,
        "errors": [],
    }

    # Hanako cannot touch Taro's draft, even through the same portal.
    as_hanako = {"X-Resident-Token": access_token(hanako, "hanako-access-token")}
    assert api.post(f"applications/{app_id}/validate", headers=as_hanako).status_code == 404

    payload = api.get(f"applications/{app_id}/signing-payload", headers=as_taro).json()
    signature = sign_as(taro, base64.b64decode(payload["payload_base64"]))
    # Hanako's signature on Taro's application: it arrives (202), then the worker refuses it
    # (signer mismatch), evidence kept — the same contract as the one-request submission.
    refused = api.post(
        f"applications/{app_id}/submit",
        json={
            "signed_at": payload["signed_at"],
            "signature": base64.b64encode(
                sign_as(hanako, base64.b64decode(payload["payload_base64"]))
            ).decode(),
        },
        headers=as_taro,
    )
    assert refused.status_code == 202, refused.text
    assert refused.headers["Location"] == refused.json()["status_url"]
    assert arrivals_work() == 1
    outcome = api.get(refused.json()["status_url"].removeprefix("/api/v1/")).json()
    assert outcome["state"] == "refused"
    assert outcome["problem"]["outcome"] == "signer_mismatch"
    submit = {"signed_at": payload["signed_at"], "signature": base64.b64encode(signature).decode()}
    arrived = api.post(
        f"applications/{app_id}/submit", json=submit, headers={**as_taro, "Idempotency-Key": "s1"}
    )
    assert arrived.status_code == 202, arrived.text
    assert arrived.json()["state"] == "arrived" and arrived.headers["Retry-After"] == "1"
    # Sent again while it waits: the same arrival, not a second one.
    waiting = api.post(f"applications/{app_id}/submit", json=submit, headers=as_taro)
    assert waiting.json()["arrival_number"] == arrived.json()["arrival_number"]
    assert arrivals_work() == 1
    received = api.get(arrived.json()["status_url"].removeprefix("/api/v1/")).json()
    assert received["state"] == "received", received
    receipt = received["application"]["receipt_number"]
    assert receipt
    again = api.post(f"applications/{app_id}/submit", json=submit, headers=as_taro)
    assert again.status_code == 202
    assert again.json()["application"]["receipt_number"] == receipt
    late = api.patch(f"applications/{app_id}/answers", json={"answers": {}}, headers=as_taro)
    assert late.status_code == 409

    status = api.get(f"applications/{app_id}").json()
    assert status["status"] == "submitted" and status["receipt_number"] == receipt
