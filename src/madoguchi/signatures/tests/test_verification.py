"""Every way a signature can be refused has its own outcome and message."""

from __future__ import annotations

import datetime

import pytest
from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils import timezone
from django.utils.translation import override

from madoguchi.signatures import services
from madoguchi.signatures.cms import cms_sign
from madoguchi.signatures.crl import CrlFetchError, crl_cache
from madoguchi.signatures.models import SignatureEvidence
from madoguchi.signatures.outcomes import MESSAGES, Outcome
from madoguchi.signatures.testing import (
    auth_issued,
    authority,
    card_of,
    export_pem,
    issued_x509,
    rogue_signing_ca,
    sign_as,
    signing_certificate_forge,
    signing_issued,
)
from madoguchi.signatures.verification import signature_verify

from .conftest import make_payload, openssl

pytestmark = pytest.mark.django_db
DER = serialization.Encoding.DER


def verify(payload: bytes, cms_der: bytes, **kwargs) -> Outcome:
    result = signature_verify(payload=payload, cms_der=cms_der, **kwargs)
    return Outcome(result.outcome)


def test_a_valid_signature_is_accepted_and_evidence_links_the_resident(taro, payload):
    evidence = services.signature_verify_and_store(
        payload=payload, cms_der=sign_as(taro, payload), expected_resident=taro
    )
    assert evidence.outcome == Outcome.VALID and evidence.is_valid
    assert evidence.resident == taro
    issued = signing_issued(taro)
    assert evidence.certificate == issued
    assert evidence.serial == issued.serial
    assert "Signature CA" in evidence.issuer
    assert evidence.crl_number == "1"
    assert len(evidence.payload_sha256) == 64
    certificate = x509.load_der_x509_certificate(bytes(evidence.certificate_der or b""))
    assert str(certificate.serial_number) == evidence.serial


def test_tampered_answers_are_refused(taro, payload):
    cms_der = sign_as(taro, payload)
    tampered = make_payload(answers={"applicant_name": "𠮷田　太郎", "damage": "全壊"})
    assert verify(tampered, cms_der) == Outcome.PAYLOAD_MISMATCH


def test_tampered_attachment_is_refused(taro, payload):
    cms_der = sign_as(taro, payload)
    tampered = make_payload(attachments=[{"name": "写真.jpg", "sha256": "1" * 64}])
    assert verify(tampered, cms_der) == Outcome.PAYLOAD_MISMATCH


def test_another_residents_certificate_is_refused(taro, hanako, payload):
    evidence = services.signature_verify_and_store(
        payload=payload, cms_der=sign_as(hanako, payload), expected_resident=taro
    )
    assert evidence.outcome == Outcome.SIGNER_MISMATCH
    assert evidence.resident == hanako  # the evidence says who really signed


def test_a_bad_signature_value_is_refused(taro, payload):
    info = asn1_cms.ContentInfo.load(sign_as(taro, payload))
    signer_info = info["content"]["signer_infos"][0]
    value = bytearray(signer_info["signature"].native)
    value[10] ^= 0xFF
    signer_info["signature"] = bytes(value)
    assert verify(payload, info.dump(force=True)) == Outcome.BAD_SIGNATURE


def test_expired_certificate_is_refused(taro, payload):
    now = timezone.now()
    services.signing_certificate_issue(
        card=card_of(taro),
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    assert verify(payload, sign_as(taro, payload)) == Outcome.EXPIRED


def test_not_yet_valid_certificate_is_refused(taro, payload):
    now = timezone.now()
    services.signing_certificate_issue(
        card=card_of(taro),
        not_before=now + datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=400),
    )
    assert verify(payload, sign_as(taro, payload)) == Outcome.NOT_YET_VALID


def test_revoked_certificate_is_refused(taro, payload):
    issued = signing_issued(taro)
    services.certificate_revoke(certificate=issued, reason="affiliation_changed")
    assert verify(payload, sign_as(taro, payload)) == Outcome.REVOKED


def test_certificate_from_an_unknown_ca_with_a_lookalike_name_is_refused(taro, payload):
    forged = signing_certificate_forge(resident=taro, issuer=rogue_signing_ca())
    cms_der = cms_sign(
        payload=payload, certificate=forged.certificate, key=forged.key, chain=forged.chain
    )
    assert verify(payload, cms_der) == Outcome.UNKNOWN_CA


def test_user_authentication_certificate_cannot_sign(taro, payload):
    issued = auth_issued(taro)
    cms_der = cms_sign(
        payload=payload,
        certificate=issued_x509(issued),
        key=services.card_signing_key(issued=issued),
    )
    assert verify(payload, cms_der) == Outcome.WRONG_KEY_USAGE


def test_certificate_without_non_repudiation_is_refused(taro, payload):
    forged = signing_certificate_forge(
        resident=taro,
        key_usage=x509.KeyUsage(True, False, True, False, False, False, False, False, False),
    )
    cms_der = cms_sign(payload=payload, certificate=forged.certificate, key=forged.key)
    assert verify(payload, cms_der) == Outcome.WRONG_KEY_USAGE


def test_rsa_key_below_2048_bits_is_refused(taro, payload):
    forged = signing_certificate_forge(resident=taro, key_bits=1024)
    cms_der = cms_sign(payload=payload, certificate=forged.certificate, key=forged.key)
    assert verify(payload, cms_der) == Outcome.WEAK_KEY


def test_sha1_digest_is_refused(taro, payload, tmp_path):
    files = export_pem(tmp_path, resident=taro)
    (tmp_path / "payload").write_bytes(payload)
    done = openssl(
        "cms",
        "-sign",
        "-binary",
        "-md",
        "sha1",
        "-in",
        tmp_path / "payload",
        "-signer",
        files.certificate,
        "-inkey",
        files.key,
        "-outform",
        "DER",
        "-out",
        tmp_path / "sig.der",
    )
    assert done.returncode == 0, done.stderr
    assert verify(payload, (tmp_path / "sig.der").read_bytes()) == Outcome.WEAK_DIGEST


def test_certificate_signed_with_sha1_is_refused(taro, payload):
    """The CA signed the certificate with SHA-1 (re-signed here by hand: cryptography refuses)."""
    forged = signing_certificate_forge(resident=taro)
    issuer = services.authority_issuer(slug="sign")
    certificate = asn1_x509.Certificate.load(forged.certificate.public_bytes(DER))
    tbs = certificate["tbs_certificate"]
    tbs["signature"] = {"algorithm": "sha1_rsa"}
    certificate["signature_algorithm"] = {"algorithm": "sha1_rsa"}
    certificate["signature_value"] = issuer.key.sign(
        tbs.dump(force=True),
        padding.PKCS1v15(),
        hashes.SHA1(),  # noqa: S303 - the point
    )
    sha1_certificate = x509.load_der_x509_certificate(certificate.dump(force=True))
    assert sha1_certificate.signature_algorithm_oid == x509.oid.SignatureAlgorithmOID.RSA_WITH_SHA1
    cms_der = cms_sign(payload=payload, certificate=sha1_certificate, key=forged.key)
    assert verify(payload, cms_der) == Outcome.WEAK_DIGEST


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda der: der[: len(der) // 2], id="truncated"),
        pytest.param(lambda der: der[:-1], id="one-byte-short"),
        pytest.param(lambda der: der + b"\x00", id="trailing-garbage"),
        pytest.param(lambda der: b"", id="empty"),
        pytest.param(lambda der: b"not a signature at all", id="garbage"),
        pytest.param(lambda der: b"\x30\x03\x02\x01\x01", id="other-der"),
    ],
)
def test_truncated_or_garbage_cms_is_refused(taro, payload, mangle):
    assert verify(payload, mangle(sign_as(taro, payload))) == Outcome.MALFORMED


def test_signature_with_embedded_content_is_refused(taro, payload, tmp_path):
    files = export_pem(tmp_path, resident=taro)
    (tmp_path / "payload").write_bytes(payload)
    done = openssl(
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-md",
        "sha256",
        "-in",
        tmp_path / "payload",
        "-signer",
        files.certificate,
        "-inkey",
        files.key,
        "-outform",
        "DER",
        "-out",
        tmp_path / "sig.der",
    )
    assert done.returncode == 0, done.stderr
    result = signature_verify(payload=payload, cms_der=(tmp_path / "sig.der").read_bytes())
    assert result.outcome == Outcome.MALFORMED
    assert "detached" in result.detail


def test_unreachable_crl_is_its_own_outcome(taro, payload):
    class Down:
        def fetch(self, url: str) -> bytes:
            raise CrlFetchError(f"connection refused: {url}")

    crl_cache.set_fetcher(Down())
    result = signature_verify(payload=payload, cms_der=sign_as(taro, payload))
    assert result.outcome == Outcome.CRL_UNAVAILABLE
    assert "connection refused" in result.detail


def test_stale_crl_is_its_own_outcome(taro, payload):
    stale = services.crl_publish(
        authority=authority("sign"), at=timezone.now() - datetime.timedelta(days=3)
    )

    class Stale:
        def fetch(self, url: str) -> bytes:
            if url.endswith("/sign.crl"):
                return bytes(stale.crl_der)
            return services.crl_current_der(slug=url.rsplit("/", 1)[1].removesuffix(".crl")) or b""

    crl_cache.set_fetcher(Stale())
    assert verify(payload, sign_as(taro, payload)) == Outcome.CRL_STALE


def test_crl_signed_by_someone_else_is_not_trusted(taro, payload):
    rogue = rogue_signing_ca()
    from madoguchi.signatures import pki

    forged_crl = pki.crl_build(
        issuer=rogue,
        number=99,
        this_update=timezone.now(),
        next_update=timezone.now() + datetime.timedelta(days=1),
        revoked=[],
    )

    class Forged:
        def fetch(self, url: str) -> bytes:
            if url.endswith("/sign.crl"):
                return forged_crl.public_bytes(serialization.Encoding.DER)
            return services.crl_current_der(slug=url.rsplit("/", 1)[1].removesuffix(".crl")) or b""

    crl_cache.set_fetcher(Forged())
    result = signature_verify(payload=payload, cms_der=sign_as(taro, payload))
    assert result.outcome == Outcome.CRL_UNAVAILABLE
    assert "signature" in result.detail


def test_failed_verifications_are_stored_as_evidence_too(pki, payload):
    evidence = services.signature_verify_and_store(payload=payload, cms_der=b"garbage")
    assert evidence.outcome == Outcome.MALFORMED
    assert SignatureEvidence.objects.filter(outcome=Outcome.MALFORMED).count() == 1
    assert evidence.certificate_der is None and evidence.resident is None


def test_every_outcome_has_a_japanese_message():
    with override("ja"):
        for outcome in Outcome:
            message = str(MESSAGES[outcome])
            assert any(
                "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in message
            ), (outcome, message)
