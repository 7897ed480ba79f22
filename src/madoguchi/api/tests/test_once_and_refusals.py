"""Issue 20 over real HTTP: a signed envelope is received once (any Idempotency-Key, any client,
concurrent requests); certificates are refused with their own problem type (also when they are
on no card); signing times out of range have their own codes; an oversized body gets 413."""

import base64
import datetime
import json

import httpx
import pytest

from madoguchi.applications.models import Application
from madoguchi.signatures.cms import cms_sign
from madoguchi.signatures.services import certificate_revoke
from madoguchi.signatures.testing import (
    rogue_signing_ca,
    signing_certificate_forge,
    signing_issued,
)

from .conftest import (
    PHOTO,
    Examined,
    ExaminingHttp,
    assert_received_once,
    now_seconds,
    payload_for,
    post_copies_at_once,
    signed_body,
)

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/applications"


@pytest.fixture
def http(live_server, portal):
    with httpx.Client(
        base_url=live_server.url,
        timeout=120,
        headers={"Authorization": f"Bearer {portal['test']}"},
    ) as client:
        # Submissions arrive (202) and are examined by a worker: posts come back examined.
        yield ExaminingHttp(client)


def problem_type(response):
    if not isinstance(response, Examined):  # refused before arrival: a problem response
        assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()["type"].rsplit("/", 1)[1]


def test_the_same_envelope_is_received_once_with_any_key(
    http, portal, disaster_form, sample_answers, taro
):
    body = signed_body(disaster_form, sample_answers, taro)
    first = http.post(URL, json=body, headers={"Idempotency-Key": "first"})
    assert first.status_code == 201, first.json()
    receipt = first.json()["receipt_number"]
    # The same key and body is the idempotent replay of the first answer (still one application).
    same_key = http.post(URL, json=body, headers={"Idempotency-Key": "first"})
    assert same_key.status_code == 201 and same_key.headers["Idempotent-Replayed"] == "true"
    for headers in ({"Idempotency-Key": "another"}, {}):
        again = http.post(URL, json=body, headers=headers)
        assert again.status_code == 409
        assert problem_type(again) == "signature-replayed"
        problem = again.json()
        assert problem["existing_application"]["receipt_number"] == receipt
        assert problem["existing_application"]["receipt_display"] in problem["title"]
        assert problem["title_en"].startswith("This signature was already used")
    assert Application.objects.filter(receipt_number__isnull=False).count() == 1


def test_a_replay_is_named_as_such_also_once_its_signing_time_is_too_old(
    http, disaster_form, sample_answers, taro, settings
):
    body = signed_body(
        disaster_form, sample_answers, taro, signed_at=now_seconds() - datetime.timedelta(hours=2)
    )
    first = http.post(URL, json=body)
    assert first.status_code == 201, first.json()
    settings.API_SIGNED_AT_MAX_AGE_HOURS = 1  # by now the signing time is too old
    again = http.post(URL, json=body)
    assert again.status_code == 409 and problem_type(again) == "signature-replayed"
    assert again.json()["existing_application"]["receipt_number"] == first.json()["receipt_number"]
    fresh_but_old = signed_body(
        disaster_form, sample_answers, taro, signed_at=now_seconds() - datetime.timedelta(hours=3)
    )
    assert problem_type(http.post(URL, json=fresh_but_old)) == "signed-at-too-old"


def test_concurrent_copies_of_one_envelope_give_one_application(
    live_server, portal, disaster_form, sample_answers, taro
):
    body = signed_body(disaster_form, sample_answers, taro)
    answers = post_copies_at_once(
        base_url=live_server.url, api_key=portal["test"], body=body, copies=8, key_prefix="copy"
    )
    receipt = assert_received_once(answers)
    assert Application.objects.count() == 1
    assert Application.objects.get().receipt_number == receipt


def _forged_body(form_version, answers, forged):
    signed_at = now_seconds()
    payload = payload_for(form_version, answers, signed_at)
    cms = cms_sign(
        payload=payload, certificate=forged.certificate, key=forged.key, chain=forged.chain
    )
    return {
        "form_version_id": str(form_version.pk),
        "answers": answers,
        "signed_at": signed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "signature": base64.b64encode(cms).decode(),
        "files": {"attachments.photos": {"content_base64": base64.b64encode(PHOTO).decode()}},
    }


def test_certificate_refusals_have_their_own_codes(http, disaster_form, sample_answers, taro):
    now = datetime.datetime.now(datetime.UTC)
    expired = signing_certificate_forge(
        resident=taro,
        not_before=now - datetime.timedelta(days=60),
        not_after=now - datetime.timedelta(days=1),
    )
    future = signing_certificate_forge(
        resident=taro,
        not_before=now + datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=60),
    )
    rogue = signing_certificate_forge(resident=taro, issuer=rogue_signing_ca())
    on_no_card = signing_certificate_forge(resident=taro)
    codes = {}
    for name, forged in [("expired", expired), ("not_yet_valid", future), ("rogue", rogue)]:
        response = http.post(URL, json=_forged_body(disaster_form, sample_answers, forged))
        assert response.status_code == 422, response.json()
        codes[name] = (problem_type(response), response.json()["outcome"])
    certificate_revoke(certificate=signing_issued(taro))
    revoked = http.post(URL, json=signed_body(disaster_form, sample_answers, taro))
    assert revoked.status_code == 422
    codes["revoked"] = (problem_type(revoked), revoked.json()["outcome"])
    assert codes == {
        "expired": ("certificate-expired", "expired"),
        "not_yet_valid": ("certificate-not-yet-valid", "not_yet_valid"),
        "rogue": ("unknown-issuer", "unknown_ca"),
        "revoked": ("certificate-revoked", "revoked"),
    }
    assert Application.objects.count() == 0
    # A valid certificate on no card whose 基本4情報 match a registered resident is that
    # resident's (card from signature, docs/signing.md §4.1): linked and received.
    linked = http.post(URL, json=_forged_body(disaster_form, sample_answers, on_no_card))
    assert linked.status_code == 201, linked.json()
    assert Application.objects.get().resident == taro


def test_signing_times_out_of_range_have_their_own_codes(http, disaster_form, sample_answers, taro):
    old = now_seconds() - datetime.timedelta(hours=25)
    ahead = now_seconds() + datetime.timedelta(minutes=10)
    too_old = http.post(URL, json=signed_body(disaster_form, sample_answers, taro, signed_at=old))
    in_future = http.post(
        URL, json=signed_body(disaster_form, sample_answers, taro, signed_at=ahead)
    )
    assert too_old.status_code == in_future.status_code == 422
    assert problem_type(too_old) == "signed-at-too-old"
    assert problem_type(in_future) == "signed-at-in-future"
    assert too_old.json()["errors"][0]["field"] == "signed_at"
    assert too_old.json()["errors"][0]["code"] == "signed_at_too_old"


def test_a_10_mb_body_gets_413_problem_json_before_it_is_read(http, disaster_form):
    body = json.dumps(
        {
            "form_version_id": str(disaster_form.pk),
            "answers": {},
            "signed_at": now_seconds().isoformat(),
            "signature": base64.b64encode(b"\x30" * (7_500_000)).decode(),
        }
    ).encode()
    assert len(body) >= 10_000_000
    response = http.post(URL, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert problem_type(response) == "request-too-large"
    assert response.json()["max_bytes"] == 8 * 1024 * 1024
    assert "大きすぎ" in response.json()["title"]
    # The connection stays usable for the next request's answer (nothing was cut off).
    assert http.get("/api/v1/municipalities?code=131016").status_code == 200
