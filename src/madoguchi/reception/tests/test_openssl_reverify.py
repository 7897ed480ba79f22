"""A core system re-verifies a received application's signature with nothing but OpenSSL and
what the reception API returns (the signed payload bytes beside the detached CMS), against the
CA chain and CRLs exported by `manage.py pki_export_card`."""

import base64
import shutil
import subprocess

import httpx
import pytest
from django.core.management import call_command

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command"),
]


def openssl_verify(directory, payload_path, cms_path):
    # `openssl cms` has no -CRLfile: CRLs are read from the -CAfile bundle with the root.
    bundle = directory / "root+crls.pem"
    bundle.write_bytes(
        (directory / "root.pem").read_bytes() + (directory / "crls.pem").read_bytes()
    )
    return subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(cms_path),
            "-content", str(payload_path), "-CAfile", str(bundle),
            "-certfile", str(directory / "chain.pem"), "-crl_check_all", "-out", "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_a_core_system_reverifies_each_received_signature_with_openssl(
    live_server, received, chiyoda_token, tmp_path
):
    pki_dir = tmp_path / "pki"
    call_command("pki_export_card", "yoshida-taro", "--out", str(pki_dir))
    with httpx.Client(
        base_url=live_server.url + "/api/v1/reception",
        headers={"Authorization": f"Bearer {chiyoda_token}"},
    ) as http:
        page = http.get("/applications", params={"limit": 10}).json()
        documents = [http.get(s["url"].split("/reception")[1]).json() for s in page["results"]]
    assert len(documents) == len(received) == 4
    for document in documents:
        signature = document["signature"]
        payload = base64.b64decode(signature["payload_base64"])
        cms = base64.b64decode(signature["cms_base64"])
        number = document["receipt_number"]
        payload_path, cms_path = tmp_path / f"{number}.json", tmp_path / f"{number}.der"
        payload_path.write_bytes(payload)
        cms_path.write_bytes(cms)
        verified = openssl_verify(pki_dir, payload_path, cms_path)
        assert verified.returncode == 0, verified.stderr
        assert "Verification successful" in verified.stderr
        # The payload is the one the answers were signed as: it names this application's data.
        assert document["form_version"]["content_hash"].encode() in payload
        # One changed byte and OpenSSL refuses.
        payload_path.write_bytes(payload.replace(b'"131016"', b'"131017"'))
        assert openssl_verify(pki_dir, payload_path, cms_path).returncode != 0


def test_openssl_sees_a_revocation_in_the_exported_crls(
    live_server, received, chiyoda_token, tmp_path
):
    from madoguchi.signatures.services import certificate_revoke
    from madoguchi.signatures.testing import demo_resident, signing_issued

    taro = received[0]
    with httpx.Client(
        base_url=live_server.url + "/api/v1/reception",
        headers={"Authorization": f"Bearer {chiyoda_token}"},
    ) as http:
        signature = http.get(f"/applications/{taro.receipt_number}").json()["signature"]
    payload_path, cms_path = tmp_path / "payload.json", tmp_path / "cms.der"
    payload_path.write_bytes(base64.b64decode(signature["payload_base64"]))
    cms_path.write_bytes(base64.b64decode(signature["cms_base64"]))
    certificate_revoke(certificate=signing_issued(demo_resident("yoshida-taro")))
    pki_dir = tmp_path / "pki"
    call_command("pki_export_card", "yoshida-hanako", "--out", str(pki_dir))
    refused = openssl_verify(pki_dir, payload_path, cms_path)
    assert refused.returncode != 0
    assert "certificate revoked" in refused.stderr
