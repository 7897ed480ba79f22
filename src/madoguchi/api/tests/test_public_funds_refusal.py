"""A portal cannot claim an answer is the resident's 公金受取口座 (ADR 0021): every endpoint that
takes answers refuses `source`/`registered_at` with 422 public_funds_not_in_api at the item;
the same account typed in is accepted."""

from __future__ import annotations

import copy

import httpx
import pytest

from madoguchi.api.tests.conftest import bearer, signed_body
from madoguchi.api.tests.test_drafts import access_token
from madoguchi.applications.models import Application, Arrival
from madoguchi.forms import presets
from madoguchi.forms.services import form_adopt_preset, form_publish

PROCEDURE = "child-allowance-unpaid"


@pytest.fixture
def benefit_form(pki, catalog):
    municipal_form = form_adopt_preset(
        municipality_code="131016", procedure_code=PROCEDURE, actor=None
    )
    return form_publish(municipal_form=municipal_form, actor=None)


@pytest.fixture
def typed_answers():
    preset = presets.preset_get(PROCEDURE)
    assert preset is not None
    return copy.deepcopy(preset.samples[0])


def _claimed(answers):
    claimed = copy.deepcopy(answers)
    claimed["payee.account"] |= {
        "source": "public_funds",
        "registered_at": "2026-01-05T09:00:00+09:00",
    }
    return claimed


def _assert_refused(response) -> None:
    assert response.status_code == 422, response.content
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("/public-funds-not-in-api")
    (error,) = problem["errors"]
    assert error["field"] == "answers.payee.account"
    assert error["code"] == "public_funds_not_in_api"
    assert error["item"] == "payee.account"
    assert "公金受取口座" in error["message"] and "public funds" in error["message_en"]


def test_a_signed_submission_claiming_the_account_is_refused(
    client, portal, benefit_form, typed_answers, taro
) -> None:
    body = signed_body(benefit_form, typed_answers, taro, files=False)
    body["answers"] = _claimed(typed_answers)
    response = client.post(
        "/api/v1/applications", body, content_type="application/json", **bearer(portal["test"])
    )
    _assert_refused(response)
    assert not Arrival.objects.exists() and not Application.objects.exists()


def test_the_payload_preview_refuses_it_and_takes_the_typed_account(
    client, portal, benefit_form, typed_answers
) -> None:
    url = "/api/v1/applications/payload"
    body = {"form_version_id": str(benefit_form.pk), "answers": _claimed(typed_answers)}
    _assert_refused(
        client.post(url, body, content_type="application/json", **bearer(portal["test"]))
    )
    body["answers"] = typed_answers
    response = client.post(url, body, content_type="application/json", **bearer(portal["test"]))
    assert response.status_code == 200, response.content
    assert "source" not in response.json()["answers"]["payee.account"]


def test_the_openapi_schema_documents_the_refusal(client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "public-funds-not-in-api" in schema.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_draft_and_its_answers_refuse_it_over_http(
    live_server, settings, portal, benefit_form, typed_answers, taro
) -> None:
    """For a signed-in resident (the token checked against the IdP on the live server): the
    draft with the claim is refused and nothing is stored; a draft's answers likewise."""
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    headers = {
        "Authorization": f"Bearer {portal['test']}",
        "X-Resident-Token": access_token(taro, "taro-funds-token"),
    }
    with httpx.Client(base_url=f"{live_server.url}/api/v1/", headers=headers, timeout=30) as api:
        body = {"form_version_id": str(benefit_form.pk), "answers": _claimed(typed_answers)}
        _assert_refused(api.post("applications/drafts", json=body))
        assert not Application.objects.exists()
        created = api.post("applications/drafts", json={"form_version_id": str(benefit_form.pk)})
        assert created.status_code == 201, created.text
        url = f"applications/{created.json()['application']['id']}/answers"
        _assert_refused(api.patch(url, json={"answers": _claimed(typed_answers)}))
        draft = Application.objects.get()
        assert "payee.account" not in draft.raw_answers
        accepted = api.patch(
            url, json={"answers": {"payee.account": typed_answers["payee.account"]}}
        )
        assert accepted.status_code == 200, accepted.text
