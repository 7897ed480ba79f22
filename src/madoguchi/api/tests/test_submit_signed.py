"""POST /api/v1/applications: answers and CMS signature in one request."""

import datetime
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.api.models import ApiApplication
from madoguchi.applications.models import Application, OutboxMessage
from madoguchi.audit.models import AuditEvent
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.signatures.models import CertificateKind, SignatureEvidence
from madoguchi.signatures.selectors import card_certificate, card_get
from madoguchi.signatures.services import certificate_revoke

from .conftest import bearer, now_seconds, payload_for, signed_body, submit

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications"


def post(client, body, key, **headers):
    """The submission and its examination by a worker (conftest.submit): status_code and json()
    are the outcome — 201 with the application, or the problem the synchronous path gave."""
    return submit(client, body, key, **headers)


def test_signed_submission_is_received_with_evidence_outbox_and_test_flag(
    client, portal, disaster_form, sample_answers, taro
):
    response = post(client, signed_body(disaster_form, sample_answers, taro), portal["test"])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["test"] is True
    assert len(body["receipt_number"]) == 9
    arrived = response.arrival.json()
    assert response.arrival.status_code == 202 and len(arrived["arrival_number"]) == 12
    assert response["Location"] == f"/api/v1/arrivals/{arrived['arrival_number']}"
    assert response.status["application"]["id"] == body["id"]
    application = Application.objects.get(public_id=body["id"])
    assert application.resident == taro and application.channel == "api"
    evidence = application.signature_evidence
    assert evidence is not None and evidence.outcome == "valid" and evidence.resident == taro
    assert application.attachments.get().sha256 == sample_answers["attachments.photos"]["sha256"]
    assert OutboxMessage.objects.filter(application=application).count() == 1
    assert ApiApplication.objects.get(application=application).mode == "test"
    # The portal reads the status of what it sent.
    status = client.get(f"{URL}/{body['id']}", **bearer(portal["test"])).json()
    assert status["receipt_number"] == body["receipt_number"]
    assert [h["status"] for h in status["history"]] == ["submitted"]
    # Nobody else does: another client, or the same client's live key.
    assert client.get(f"{URL}/{body['id']}", **bearer(portal["live"])).status_code == 404


def test_same_idempotency_key_replays_and_a_different_body_conflicts(
    client, portal, disaster_form, sample_answers, taro
):
    body = signed_body(disaster_form, sample_answers, taro)
    first = post(client, body, portal["test"], HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, body, portal["test"], HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    # The same arrival, not a second one.
    assert again.arrival.json()["arrival_number"] == first.arrival.json()["arrival_number"]
    assert Application.objects.count() == 1
    changed = {**body, "answers": {**body["answers"], "certificate.copies": 2}}
    conflict = post(client, changed, portal["test"], HTTP_IDEMPOTENCY_KEY="k-1")
    assert conflict.status_code == 409
    assert conflict.json()["type"].endswith("/idempotency-key-reused")
    assert conflict.json()["title_en"].startswith("This Idempotency-Key was already used")
    # Keys are per client: another portal may use "k-1" too (and gets its own application for
    # its own signature; the same signed envelope is received once, whoever sends it).
    from madoguchi.api.services import api_client_create

    _, other, _ = api_client_create(client_id="other", name="Other", scopes=["apply"], rate="")
    replay = post(client, body, other.raw, HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 409 and replay.json()["type"].endswith("/signature-replayed")
    assert replay.json()["existing_application"]["receipt_number"] == first.json()["receipt_number"]
    # A key names an arrival, refused or not: a new request (a new signature) takes a new key.
    earlier = now_seconds() - datetime.timedelta(seconds=1)
    own = signed_body(disaster_form, sample_answers, taro, signed_at=earlier)
    assert post(client, own, other.raw, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 409
    assert post(client, own, other.raw, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201


def test_invalid_answers_are_422_per_field_and_leave_nothing(
    client, portal, disaster_form, sample_answers, taro
):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    answers = {**sample_answers, "disaster.date": future}
    del answers["disaster.cause"]
    body = signed_body(disaster_form, sample_answers, taro)
    body["answers"] = answers
    response = post(client, body, portal["test"])
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/invalid-answers")
    fields = {e["field"]: e for e in problem["errors"]}
    assert {"answers.disaster.date", "answers.disaster.cause"} <= set(fields)
    assert fields["answers.disaster.cause"]["code"] == "required"
    assert (
        fields["answers.disaster.date"]["message"] != fields["answers.disaster.date"]["message_en"]
    )
    assert problem["title_en"] == "Some answers are missing or wrong. Correct them and try again."
    assert Application.objects.count() == 0


def test_signature_over_other_bytes_is_refused_with_outcome_and_evidence_kept(
    client, portal, disaster_form, sample_answers, taro
):
    body = signed_body(disaster_form, sample_answers, taro, payload=b"something else")
    response = post(client, body, portal["test"])
    assert response.status_code == 422
    problem = response.json()
    assert problem["outcome"] == "payload_mismatch"
    assert problem["errors"][0]["field"] == "signature"
    assert Application.objects.count() == 0
    assert SignatureEvidence.objects.filter(outcome="payload_mismatch").count() == 1
    # The refusal is audited once (it used to be rolled back with the request's transaction).
    refusals = AuditEvent.objects.filter(action="application.signature_rejected")
    assert [event.data for event in refusals] == [{"outcome": "payload_mismatch"}]


def test_revoked_certificate_is_refused(client, portal, disaster_form, sample_answers, taro):
    card = card_get(resident=taro)
    assert card is not None
    issued = card_certificate(card=card, kind=CertificateKind.SIGNING)
    assert issued is not None
    certificate_revoke(certificate=issued)
    response = post(client, signed_body(disaster_form, sample_answers, taro), portal["test"])
    assert response.status_code == 422
    assert response.json()["outcome"] == "revoked"
    assert response.json()["detail_en"].startswith("The signing certificate has been revoked")


def test_garbage_signature_and_bad_base64(client, portal, disaster_form, sample_answers, taro):
    body = signed_body(disaster_form, sample_answers, taro)
    malformed = post(client, {**body, "signature": "aGVsbG8="}, portal["test"])
    assert malformed.status_code == 422 and malformed.json()["outcome"] == "malformed"
    bad = post(client, {**body, "signature": "***"}, portal["test"])
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "signature"
    assert bad.json()["errors"][0]["message_en"] == "This is not valid base64."


def test_file_contents_must_match_the_answers(client, portal, disaster_form, sample_answers, taro):
    body = signed_body(disaster_form, sample_answers, taro, files=False)
    missing = post(client, body, portal["test"])
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "files.attachments.photos"
    body["files"] = {"attachments.photos": {"content_base64": "b3RoZXI="}}
    mismatch = post(client, body, portal["test"])
    assert mismatch.json()["errors"][0]["code"] == "file_mismatch"


def test_signed_at_must_be_recent(client, portal, disaster_form, sample_answers, taro):
    old = now_seconds() - datetime.timedelta(days=2)
    response = post(
        client, signed_body(disaster_form, sample_answers, taro, signed_at=old), portal["test"]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "signed_at"


def test_test_keys_reach_only_demo_municipalities(client, portal, pki, catalog, sample_answers):
    municipal_form = form_adopt_preset(
        municipality_code="131130", procedure_code="disaster-certificate", actor=None
    )
    shibuya = form_publish(municipal_form=municipal_form, actor=None)
    body = {"form_version_id": str(shibuya.pk), "answers": {}, "signed_at": "x", "signature": "x"}
    body.update(signed_at=now_seconds().isoformat(), signature="aGVsbG8=")
    response = post(client, body, portal["test"])
    assert response.status_code == 403
    assert response.json()["type"].endswith("/test-key-municipality")
    # A live key may (it then fails later, on the signature).
    assert post(client, body, portal["live"]).status_code == 422


def test_form_choice_errors(client, portal, disaster_form):
    base = {"answers": {}, "signed_at": now_seconds().isoformat(), "signature": "aGVsbG8="}
    none = post(client, base, portal["test"])
    assert none.status_code == 422 and none.json()["errors"][0]["field"] == "form_version_id"
    unknown = post(client, {**base, "form_version_id": str(uuid.uuid4())}, portal["test"])
    assert unknown.status_code == 422
    offline = post(
        client, {**base, "municipality_code": "131016", "procedure_code": "nope"}, portal["test"]
    )
    assert offline.json()["errors"][0]["field"] == "procedure_code"


def test_payload_preview_matches_what_submission_verifies(
    client, portal, disaster_form, sample_answers, taro
):
    signed_at = now_seconds()
    response = client.post(
        f"{URL}/payload",
        {
            "form_version_id": str(disaster_form.pk),
            "answers": sample_answers,
            "signed_at": signed_at.isoformat(),
        },
        content_type="application/json",
        **bearer(portal["test"]),
    )
    assert response.status_code == 200, response.json()
    import base64

    assert base64.b64decode(response.json()["payload_base64"]) == payload_for(
        disaster_form, sample_answers, signed_at
    )
    assert response.json()["answers"]["applicant.phone"] == "0312345678"


def test_test_submissions_send_no_email(client, portal, disaster_form, sample_answers, taro):
    mail.outbox.clear()
    assert (
        post(client, signed_body(disaster_form, sample_answers, taro), portal["test"]).status_code
        == 201
    )
    assert [m.to for m in mail.outbox] == [] or all(
        address.endswith("@example.com") for m in mail.outbox for address in m.to
    )


def test_query_count_of_a_warm_submission(
    client, portal, disaster_form, sample_answers, taro, django_capture_on_commit_callbacks
):
    """The hot paths of the load benchmark, once caches are warm: the arrival (what the portal
    waits for) and, separately, the worker's reception of it."""
    from madoguchi.applications.arrivals import arrival_work_one

    earlier = now_seconds() - datetime.timedelta(seconds=1)
    # The warm-up commits as in production (the test's transaction never does): its on-commit
    # work, e.g. remembering the certificate's new link, runs.
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            signed_body(disaster_form, sample_answers, taro, signed_at=earlier),
            portal["test"],
        )
    body = signed_body(disaster_form, sample_answers, taro)
    with CaptureQueriesContext(connection) as arrival_queries:
        response = client.post(
            URL,
            body,
            content_type="application/json",
            **bearer(portal["test"]),
            HTTP_IDEMPOTENCY_KEY="warm",
        )
    assert response.status_code == 202
    print(f"\narrival queries: {len(arrival_queries)}")
    for query in arrival_queries:
        print(query["sql"][:150])
    # The arrival, with an Idempotency-Key: the insert of the envelope (in a savepoint: a taken
    # key is told apart from a taken number) — and nothing else: the key, the form version and
    # the client are known from caches. 3 statements (savepoint, insert, release).
    assert len(arrival_queries) <= 3
    with CaptureQueriesContext(connection) as reception_queries:
        assert arrival_work_one() is not None
    print(f"\nreception queries: {len(reception_queries)}")
    for query in reception_queries:
        print(query["sql"][:150])
    # The reception, PostgreSQL, one file: claim (one statement on the arrival table alone),
    # evidence, application (savepoint), attachment (savepoint), history, outbox, audit lock +
    # tail + insert, API origin, the arrival's outcome, the savepoint of the writes a
    # concurrent duplicate must undo, and one read of the generations of the cached limits,
    # webhook endpoints and portal webhooks (core.generations; the worker opens one scope per
    # arrival). No savepoint per examination any more (a failure rolls the transaction back and
    # counts the try in its own): 2 statements fewer than before. A new lookup on this path
    # shows up here first (bench/RESULTS.md has what each one costs).
    assert len(reception_queries) <= 21
    assert Application.objects.filter(channel="api").count() == 2


def test_response_body_is_what_the_documented_serializer_gives(
    client, portal, disaster_form, sample_answers, taro
):
    """The submission builds its body by hand for speed; the schema is ApplicationSerializer's."""
    from madoguchi.api.application_serializers import ApplicationSerializer, application_body

    response = post(client, signed_body(disaster_form, sample_answers, taro), portal["test"])
    assert response.status_code == 201
    application = Application.objects.get(public_id=response.json()["id"])
    for test in (True, False):
        documented = ApplicationSerializer(application, context={"test": test}).data
        assert application_body(application, test=test) == dict(documented)
    assert response.json() == dict(ApplicationSerializer(application, context={"test": True}).data)
