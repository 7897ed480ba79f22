"""GET /api/v1/forms/{id} and /json-schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from madoguchi.forms import presets, services

pytestmark = pytest.mark.django_db


def test_form_definition_and_json_schema(client, disaster_form):
    version = services.form_publish(municipal_form=disaster_form, actor=None)
    response = client.get(f"/api/v1/forms/{version.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(version.pk)
    assert body["municipality_code"] == "131016"
    assert body["content_hash"] == version.content_hash
    assert body["signature_required"] is True
    assert body["definition"] == version.definition

    response = client.get(f"/api/v1/forms/{version.pk}/json-schema")
    assert response.status_code == 200
    schema = response.json()
    Draft202012Validator.check_schema(schema)
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    for sample in preset.samples:
        assert not list(Draft202012Validator(schema).iter_errors(sample))
    assert list(Draft202012Validator(schema).iter_errors({"disaster.cause": "meteor"}))


@pytest.mark.parametrize("path", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_unknown_version_is_a_problem_document(client, db, path):
    for suffix in ("", "/json-schema"):
        response = client.get(f"/api/v1/forms/{path}{suffix}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "このIDの公開された様式はありません。"


def test_openapi_documents_the_form_endpoints(client, db):
    schema = client.get("/api/v1/schema/?format=json").content.decode()
    assert "/api/v1/forms/{form_version_id}/json-schema" in schema
    assert "様式定義の取得" in schema
