"""API clients and keys: registration, hashing, scopes, rotation, revocation, throttling."""

import pytest
from django.core.management import call_command

from madoguchi.api.keys import key_sha256
from madoguchi.api.models import ApiClient, ApiKey
from madoguchi.api.services import api_key_issue, api_key_revoke

from .conftest import bearer

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/municipalities?code=131016"
STATUS = "/api/v1/applications/0d9c4b5e-6a1f-4f57-8f43-2d1f0c3a9b77"


def test_create_command_shows_keys_once_and_stores_only_hashes(capsys):
    call_command("api_client_create", "acme", "--name", "Acme", "--scopes", "search,apply")
    out = capsys.readouterr().out
    test_key = next(line.split(": ")[1] for line in out.splitlines() if line.startswith("test"))
    live_key = next(line.split(": ")[1] for line in out.splitlines() if line.startswith("live"))
    assert test_key.startswith("mdg_test_") and live_key.startswith("mdg_live_")
    stored = list(ApiKey.objects.values_list("key_sha256", "prefix"))
    assert {digest for digest, _ in stored} == {key_sha256(test_key), key_sha256(live_key)}
    assert all(test_key not in value and live_key not in value for row in stored for value in row)
    assert ApiClient.objects.get().scopes == ["apply", "search"]


def test_demo_key_is_the_same_on_every_run(capsys, client):
    call_command("api_demo_key")
    first = capsys.readouterr().out.strip()
    call_command("api_demo_key")
    assert capsys.readouterr().out.strip() == first
    assert first.startswith("mdg_test_")
    # A valid key on an endpoint that needs one: 404 for an unknown application, not 401.
    assert client.get(STATUS, **bearer(first)).status_code == 404


def test_missing_unknown_and_malformed_keys_are_401_problems(client, portal):
    missing = client.get(STATUS)
    assert missing.status_code == 401
    assert missing["Content-Type"] == "application/problem+json"
    assert missing["WWW-Authenticate"].startswith("Bearer")
    body = missing.json()
    assert body["title"] != body["title_en"]
    assert body["title_en"].startswith("This endpoint needs an API key")
    unknown = client.get(STATUS, **bearer("mdg_test_nope")).json()
    assert unknown["status"] == 401 and unknown["title_en"].startswith("The API key is unknown")
    assert client.get(STATUS, HTTP_AUTHORIZATION="Basic abc").status_code == 401


def test_public_search_works_without_a_key_and_checks_a_key_when_given(client, master, portal):
    assert client.get(SEARCH).status_code == 200
    assert client.get(SEARCH, **bearer(portal["test"])).status_code == 200
    assert client.get(SEARCH, **bearer("mdg_live_wrong")).status_code == 401
    _, reception_only, _ = _client("core", ["reception"])
    denied = client.get(SEARCH, **bearer(reception_only))
    assert denied.status_code == 403 and denied.json()["type"].endswith("/insufficient-scope")


def _client(client_id, scopes, rate=""):
    from madoguchi.api.services import api_client_create

    client, test, live = api_client_create(
        client_id=client_id, name=client_id, scopes=scopes, rate=rate
    )
    return client, test.raw, live.raw


def test_scope_apply_is_required_for_applications(client, portal):
    _, key, _ = _client("search-only", ["search"])
    response = client.get(STATUS, **bearer(key))
    assert response.status_code == 403
    assert response.json()["title_en"].startswith("This API key's client is not allowed")


def test_rotation_keeps_the_old_key_until_it_is_revoked(client, portal):
    old = ApiKey.objects.get(key_sha256=key_sha256(portal["live"]))
    new = api_key_issue(client=portal["client"], mode="live")
    assert client.get(STATUS, **bearer(portal["live"])).status_code == 404
    assert client.get(STATUS, **bearer(new.raw)).status_code == 404
    api_key_revoke(key=old)
    assert client.get(STATUS, **bearer(portal["live"])).status_code == 401
    assert client.get(STATUS, **bearer(new.raw)).status_code == 404


def test_revoke_and_rotate_commands(capsys, client, portal):
    call_command("api_key_rotate", "acme-portal", "--mode", "test")
    out = capsys.readouterr().out
    new_key = out.splitlines()[0].split(": ")[1]
    old_prefix = ApiKey.objects.get(key_sha256=key_sha256(portal["test"])).prefix
    assert f"api_key_revoke {old_prefix}" in out
    call_command("api_key_revoke", old_prefix)
    assert client.get(STATUS, **bearer(portal["test"])).status_code == 401
    assert client.get(STATUS, **bearer(new_key)).status_code == 404


def test_throttling_is_per_client_with_retry_after(client, db):
    _, test, live = _client("tiny", ["apply"], rate="2/minute")
    assert client.get(STATUS, **bearer(test)).status_code == 404
    assert client.get(STATUS, **bearer(live)).status_code == 404
    throttled = client.get(STATUS, **bearer(test))
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) >= 1
    assert throttled.json()["type"].endswith("/throttled")
    # Another client is not affected.
    _, other, _ = _client("other", ["apply"], rate="2/minute")
    assert client.get(STATUS, **bearer(other)).status_code == 404
