"""The worked example of docs/api.md and docs/signing.md is generated from the code, true, and
what examples/openssl_sign.sh sends with nothing but curl, jq and openssl is accepted."""

import base64
import os
import shutil
import subprocess

import httpx
import pytest
from django.core.management import call_command

from madoguchi.api import worked_example
from madoguchi.applications.models import Application
from madoguchi.applications.testing import arrival_worker
from madoguchi.signatures import pki
from madoguchi.signatures.testing import sign_as, signing_certificate

from .conftest import bearer, submit


def test_the_docs_hold_exactly_the_generated_example():
    """Rebuilt byte for byte: a change of the form, the payload builder or the example shows up
    here (run `manage.py api_worked_example` to write the files again)."""
    for path, expected in worked_example.documents().items():
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path} is out of date: run manage.py api_worked_example"
        )
    payload = worked_example.example_build().payload
    assert payload.decode() in worked_example.DOCS["signing"].read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_example_is_what_the_platform_computes_and_accepts(
    client, portal, disaster_form, taro, settings
):
    example = worked_example.example_build()
    # The applicant is the card holder, exactly as the certificate carries them.
    holder = pki.holder_identity_from_certificate(signing_certificate(taro))
    assert holder is not None
    answers = example.answers
    assert (
        holder.name
        == answers["applicant.name"]["family"] + "\u3000" + answers["applicant.name"]["given"]
    )
    assert holder.birth_date.isoformat() == answers["applicant.birth_date"]
    assert holder.address == answers["applicant.address"]["address"]
    # The unchanged standard form as published has the documented hash.
    assert disaster_form.content_hash == example.content_hash
    signed_at = worked_example.SIGNED_AT.strftime("%Y-%m-%dT%H:%M:%SZ")
    preview = client.post(
        "/api/v1/applications/payload",
        {"form_version_id": str(disaster_form.pk), "answers": answers, "signed_at": signed_at},
        content_type="application/json",
        **bearer(portal["test"]),
    )
    assert preview.status_code == 200, preview.json()
    assert base64.b64decode(preview.json()["payload_base64"]) == example.payload
    settings.API_SIGNED_AT_MAX_AGE_HOURS = 24 * 365 * 10  # the example was signed on 2026-12-01
    body = {
        "form_version_id": str(disaster_form.pk),
        "answers": answers,
        "files": {
            "attachments.photos": {
                "content_base64": base64.b64encode(worked_example.PHOTO).decode()
            }
        },
        "signed_at": signed_at,
        "signature": base64.b64encode(sign_as(taro, example.payload)).decode(),
    }
    received = submit(client, body, portal["test"])
    assert received.status_code == 201, received.json()
    assert Application.objects.get(public_id=received.json()["id"]).resident == taro


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("bash", "curl", "jq", "openssl")),
    reason="needs bash, curl, jq and openssl",
)
def test_examples_openssl_sign_sh_gets_a_receipt(
    live_server, portal, disaster_form, taro, tmp_path
):
    card = tmp_path / "card"
    call_command("pki_export_card", "yoshida-taro", "--out", str(card))
    script = worked_example.ROOT / "examples" / "openssl_sign.sh"
    with arrival_worker():
        result = subprocess.run(
            ["bash", str(script), live_server.url],
            env={
                **os.environ,
                "MADOGUCHI_API_KEY": portal["test"],
                "MADOGUCHI_CARD_DIR": str(card),
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    receipt = result.stdout.strip().splitlines()[-1].removeprefix("receipt number: ")
    application = Application.objects.get(receipt_number=receipt.replace("-", ""))
    assert application.resident == taro and application.channel == "api"
    assert (
        application.attachments.get().sha256
        == worked_example.example_answers()["attachments.photos"]["sha256"]
    )
    # What the script sent is the application the portal reads back.
    status = httpx.get(
        f"{live_server.url}/api/v1/applications/{application.public_id}",
        headers={"Authorization": f"Bearer {portal['test']}"},
    )
    assert status.json()["receipt_number"] == application.receipt_number
