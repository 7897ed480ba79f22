"""Interoperability with the openssl command line, as any third party would check."""

from __future__ import annotations

import pytest

from madoguchi.signatures import services
from madoguchi.signatures.outcomes import Outcome
from madoguchi.signatures.testing import (
    export_pem,
    issued_x509,
    sign_as,
    signing_issued,
)

from .conftest import openssl

pytestmark = pytest.mark.django_db


def test_openssl_cms_sign_is_accepted_by_the_platform(taro, payload, tmp_path):
    files = export_pem(tmp_path, resident=taro)
    (tmp_path / "payload").write_bytes(payload)
    done = openssl(
        "cms",
        "-sign",
        "-binary",
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
    assert done.returncode == 0, done.stderr.decode()
    evidence = services.signature_verify_and_store(
        payload=payload, cms_der=(tmp_path / "sig.der").read_bytes(), expected_resident=taro
    )
    assert evidence.outcome == Outcome.VALID, evidence.detail
    assert evidence.resident == taro


def test_openssl_cms_sign_over_a_tampered_payload_is_refused(taro, payload, tmp_path):
    files = export_pem(tmp_path, resident=taro)
    (tmp_path / "payload").write_bytes(payload)
    openssl(
        "cms",
        "-sign",
        "-binary",
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
    evidence = services.signature_verify_and_store(
        payload=payload.replace("床上浸水".encode(), "全壊".encode()),
        cms_der=(tmp_path / "sig.der").read_bytes(),
    )
    assert evidence.outcome == Outcome.PAYLOAD_MISMATCH


def test_platform_signature_verifies_with_openssl_cms_verify(taro, payload, tmp_path):
    files = export_pem(tmp_path, resident=taro)
    (tmp_path / "payload").write_bytes(payload)
    (tmp_path / "sig.der").write_bytes(sign_as(taro, payload))
    done = openssl(
        "cms",
        "-verify",
        "-binary",
        "-content",
        tmp_path / "payload",
        "-inform",
        "DER",
        "-in",
        tmp_path / "sig.der",
        "-CAfile",
        files.root,
        "-out",
        tmp_path / "out",
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"Verification successful" in done.stderr
    assert (tmp_path / "out").read_bytes() == payload

    (tmp_path / "payload").write_bytes(payload + b" ")
    done = openssl(
        "cms",
        "-verify",
        "-binary",
        "-content",
        tmp_path / "payload",
        "-inform",
        "DER",
        "-in",
        tmp_path / "sig.der",
        "-CAfile",
        files.root,
        "-out",
        tmp_path / "out",
    )
    assert done.returncode != 0


def test_openssl_reads_our_crl_and_sees_the_revocation(client, taro, tmp_path):
    issued = signing_issued(taro)
    services.certificate_revoke(certificate=issued, reason="affiliation_changed")
    files = export_pem(tmp_path, resident=taro)
    (tmp_path / "sign.crl").write_bytes(client.get("/pki/crl/sign.crl").content)
    (tmp_path / "root.crl").write_bytes(client.get("/pki/crl/root.crl").content)
    done = openssl("crl", "-inform", "DER", "-in", tmp_path / "sign.crl", "-noout", "-text")
    assert done.returncode == 0, done.stderr.decode()
    serial_hex = f"{issued_x509(issued).serial_number:X}"
    assert serial_hex in done.stdout.decode().upper().replace(":", "")
    assert "Affiliation Changed" in done.stdout.decode()
    for name in ("sign", "root"):
        pem = openssl(
            "crl",
            "-inform",
            "DER",
            "-in",
            tmp_path / f"{name}.crl",
            "-out",
            tmp_path / f"{name}.crl.pem",
        )
        assert pem.returncode == 0
    done = openssl(
        "verify",
        "-crl_check_all",
        "-CAfile",
        files.root,
        "-untrusted",
        files.chain,
        "-CRLfile",
        tmp_path / "sign.crl.pem",
        "-CRLfile",
        tmp_path / "root.crl.pem",
        files.certificate,
    )
    assert done.returncode != 0
    assert "revoked" in (done.stdout + done.stderr).decode()
