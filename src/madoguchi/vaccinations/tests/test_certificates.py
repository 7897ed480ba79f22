"""Certificates: the request is signed with the card; the SMART Health Card's QR, decoded from
the rendered PDF page, verifies against the issuer's published JWKS; a changed payload does not."""

from __future__ import annotations

import io
import json
import zlib

import pypdfium2
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from joserfc.util import urlsafe_b64decode, urlsafe_b64encode

from madoguchi.apply.tests.conftest import sign_in
from madoguchi.audit.models import AuditEvent
from madoguchi.signatures import signers
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident
from madoguchi.vaccinations import services, shc, verify
from madoguchi.vaccinations.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def taro(vacc):
    return demo_resident("yoshida-taro")


@pytest.fixture
def certificate(taro) -> Certificate:
    return services.certificate_issue(resident=taro, user=taro.user or _user(), pin=DEMO_SIGN_PIN)


def _user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="resident-x")


def _pdf_qr(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=3).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return shc.qr_decode_image(buffer.getvalue())


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    body = json.loads(zlib.decompress(urlsafe_b64decode(payload.encode()), -15))
    body["vc"]["credentialSubject"]["fhirBundle"]["entry"][0]["resource"]["birthDate"] = (
        "1990-01-01"
    )
    changed = shc.deflate(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return ".".join([header, urlsafe_b64encode(changed).decode(), signature])


def test_the_card_follows_the_smart_health_cards_format(certificate, taro):
    header, payload = shc.peek(certificate.jws)
    assert header == {"alg": "ES256", "zip": "DEF", "kid": certificate.kid}
    assert payload["iss"].endswith("/vaccinations/issuers/131016")
    assert "https://smarthealth.cards#health-card" in payload["vc"]["type"]
    bundle = payload["vc"]["credentialSubject"]["fhirBundle"]
    patient = bundle["entry"][0]["resource"]
    assert patient["name"] == [{"family": "𠮷田", "given": ["太郎"]}]
    doses = [e["resource"] for e in bundle["entry"][1:]]
    assert [d["occurrenceDateTime"] for d in doses] == ["2025-10-14", "2025-11-04"]
    assert {d["vaccineCode"]["coding"][0]["code"] for d in doses} == {"208"}
    numeric = shc.to_numeric(certificate.jws)
    assert numeric.startswith("shc:/") and numeric[5:].isdigit()
    assert shc.from_numeric(numeric) == certificate.jws
    # The kid is the RFC 7638 thumbprint of the published key.
    from joserfc.jwk import ECKey

    published = Client().get("/vaccinations/issuers/131016/.well-known/jwks.json").json()
    assert [ECKey.import_key(k).thumbprint() for k in published["keys"]] == [certificate.kid]
    assert all("d" not in k for k in published["keys"])  # public keys only


def test_the_qr_in_the_pdf_verifies_against_the_jwks_and_a_changed_payload_does_not(
    certificate, taro, client
):
    sign_in(client, taro)
    response = client.get(f"/vaccinations/certificates/{certificate.public_id}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    texts = _pdf_qr(response.content)
    assert texts == [shc.to_numeric(certificate.jws)]
    jwks = Client().get("/vaccinations/issuers/131016/.well-known/jwks.json").json()
    result = verify.verify_text(texts[0], jwks=jwks)
    assert result.valid, result
    assert result.patient["birthDate"] == "1985-04-12"
    bad = verify.verify_text(shc.to_numeric(_tampered(certificate.jws)), jwks=jwks)
    assert not bad.valid and bad.problem == "signature"
    other = {"keys": [shc.public_jwk(shc.key_generate())]}
    assert verify.verify_text(texts[0], jwks=other).problem == "kid"
    assert AuditEvent.objects.filter(action="vaccination.certificate_viewed").exists()


def test_the_cli_verifies_offline_from_a_jwks_file_and_an_image(certificate, tmp_path):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(
        json.dumps(Client().get("/vaccinations/issuers/131016/.well-known/jwks.json").json())
    )
    image = tmp_path / "qr.png"
    shc.qr_code(certificate.jws).save(str(image), scale=4)
    out = io.StringIO()
    call_command("vaccinations_verify", "--image", str(image), "--jwks", str(jwks), stdout=out)
    assert out.getvalue().startswith("VALID")
    assert "𠮷田 太郎 born 1985-04-12" in out.getvalue()
    with pytest.raises(CommandError, match="INVALID \\(signature\\)"):
        call_command("vaccinations_verify", "--shc", shc.to_numeric(_tampered(certificate.jws)))


def test_the_verify_page_with_text_and_with_an_image(certificate):
    client = Client()
    ok = client.post("/vaccinations/verify/", {"text": shc.to_numeric(certificate.jws)})
    assert ok.status_code == 200
    assert "有効です" in ok.content.decode() and "コミナティ筋注" in ok.content.decode()
    buffer = io.BytesIO()
    shc.qr_code(certificate.jws).save(buffer, kind="png", scale=4)
    buffer.name = "qr.png"
    buffer.seek(0)
    by_image = client.post("/vaccinations/verify/", {"image": buffer})
    assert "有効です" in by_image.content.decode()
    bad = client.post("/vaccinations/verify/", {"text": shc.to_numeric(_tampered(certificate.jws))})
    assert bad.status_code == 400
    assert "署名が一致しません" in bad.content.decode()
    empty = client.post("/vaccinations/verify/", {"text": "こんにちは"})
    assert "SMART Health Card（shc:/…）ではありません" in empty.content.decode()


def test_the_request_needs_the_card_pin(taro, client):
    sign_in(client, taro)
    wrong = client.post("/vaccinations/", {"pin": "WRONG123"})
    assert wrong.status_code == 400
    assert Certificate.objects.count() == 0
    with pytest.raises(signers.PinIncorrect):
        services.certificate_issue(resident=taro, user=taro.user, pin="WRONG123")
    right = client.post("/vaccinations/", {"pin": DEMO_SIGN_PIN})
    assert right.status_code == 302
    certificate = Certificate.objects.get()
    assert right["Location"] == f"/vaccinations/certificates/{certificate.public_id}/"
    assert certificate.signature_evidence
    assert json.loads(bytes(certificate.request_payload))["resident"] == str(taro.subject)
    page = client.get(right["Location"])
    assert page.status_code == 200
    svg = client.get(f"/vaccinations/certificates/{certificate.public_id}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"


def test_another_residents_certificate_is_not_found(certificate, client):
    sign_in(client, demo_resident("yoshida-hanako"))
    assert client.get(f"/vaccinations/certificates/{certificate.public_id}/").status_code == 404
    pdf = client.get(f"/vaccinations/certificates/{certificate.public_id}/certificate.pdf")
    assert pdf.status_code == 404
