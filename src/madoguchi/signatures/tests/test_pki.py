"""The development PKI: hierarchy, certificate profiles, idempotent setup, commands."""

from __future__ import annotations

import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID, NameOID
from django.core.management import call_command

from madoguchi.accounts.models import Resident
from madoguchi.signatures import pki as profiles
from madoguchi.signatures import services
from madoguchi.signatures.models import (
    Card,
    CertificateAuthority,
    CertificateRevocationList,
    IssuedCertificate,
)
from madoguchi.signatures.testing import (
    auth_issued,
    authority,
    ca_certificate,
    demo_resident,
    issued_x509,
    rsa_bits,
    sign_as,
    signing_certificate,
    signing_issued,
)
from madoguchi.signatures.verification import signature_verify


def holder(certificate: x509.Certificate) -> profiles.HolderIdentity:
    found = profiles.holder_identity_from_certificate(certificate)
    assert found is not None
    return found


pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(CertificateAuthority.objects.values_list("slug", "serial")),
        sorted(IssuedCertificate.objects.values_list("serial", flat=True)),
        sorted(CertificateRevocationList.objects.values_list("authority__slug", "number")),
        sorted(Card.objects.values_list("resident_id", "sign_pin_hash")),
    )


def test_setup_is_idempotent_and_covers_every_demo_resident(demo):
    first = services.pki_setup_demo()
    assert first.authorities_created == 3
    assert first.cards_issued == Resident.objects.count() == 12
    before = _snapshot()
    second = services.pki_setup_demo()
    assert (second.authorities_created, second.cards_issued) == (0, 0)
    assert _snapshot() == before


def test_setup_command(demo):
    out = io.StringIO()
    call_command("pki_setup_demo", stdout=out)
    assert "authorities created=3 cards issued=12" in out.getvalue()
    out = io.StringIO()
    call_command("pki_setup_demo", stdout=out)
    assert "authorities created=0 cards issued=0" in out.getvalue()


def test_hierarchy(pki):
    root = ca_certificate("root")
    for slug in ("sign", "auth"):
        ca = ca_certificate(slug)
        ca.verify_directly_issued_by(root)
        assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert rsa_bits(ca) == 2048
    assert root.subject == root.issuer


@pytest.mark.parametrize(
    ("key", "name", "address"),
    [
        ("yoshida-taro", "𠮷田\u3000太郎", "東京都千代田区麹町二丁目1番1号"),
        ("takahashi-ichiro", "髙橋\u3000一郎", "東京都千代田区外神田一丁目2番3号"),
        ("yamasaki-misaki", "山﨑\u3000美咲", "東京都千代田区神田神保町三丁目4番5号"),
    ],
)
def test_signing_certificate_profile_keeps_exact_unicode(pki, key, name, address):
    resident = demo_resident(key)
    certificate = signing_certificate(resident)
    common_name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert common_name == f"{certificate.serial_number:040X}"[-40:]  # identifies the certificate
    holder = profiles.holder_identity_from_certificate(certificate)
    assert holder == profiles.HolderIdentity(
        name=name, address=address, birth_date=resident.birth_date, gender=resident.gender
    )
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.content_commitment and usage.value.digital_signature
    assert not usage.value.key_encipherment
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == services.crl_url("sign")
    assert isinstance(certificate.signature_hash_algorithm, hashes.SHA256)
    assert rsa_bits(certificate) == 2048
    from madoguchi.signatures.selectors import resident_for_certificate

    assert resident_for_certificate(certificate=certificate) == resident


def test_ivs_name_survives_in_certificate_and_verification(pki, payload):
    resident = demo_resident("katsuragi-ken")
    assert resident.family_name == "葛\U000e0100城"
    certificate = signing_certificate(resident)
    assert holder(certificate).name == "葛\U000e0100城\u3000健"
    evidence = services.signature_verify_and_store(
        payload=payload, cms_der=sign_as(resident, payload), expected_resident=resident
    )
    assert evidence.outcome == "valid", evidence.detail
    assert evidence.holder_name == "葛\U000e0100城\u3000健"


def test_every_demo_resident_can_sign_and_be_verified(pki, payload):
    for resident in services.demo_residents():
        evidence = services.signature_verify_and_store(
            payload=payload, cms_der=sign_as(resident, payload), expected_resident=resident
        )
        assert evidence.outcome == "valid", (resident.name, evidence.detail)
        assert evidence.holder_name == resident.name


def test_authentication_certificate_carries_no_personal_data(taro):
    issued = auth_issued(taro)
    certificate = issued_x509(issued)
    text = certificate.subject.rfc4514_string()
    assert "田" not in text and "太郎" not in text
    with pytest.raises(x509.ExtensionNotFound):
        certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.content_commitment
    assert profiles.holder_identity_from_certificate(certificate) is None


def test_address_change_revokes_and_renews(taro, payload):
    old_cms = sign_as(taro, payload)
    taro.address = "東京都千代田区永田町一丁目7番1号"
    taro.save()
    renewed = services.signing_certificate_renew(resident=taro)
    assert signature_verify(payload=payload, cms_der=old_cms).outcome == "revoked"
    new_cms = sign_as(taro, payload)
    assert signature_verify(payload=payload, cms_der=new_cms).ok
    certificate = issued_x509(renewed)
    assert holder(certificate).address.startswith("東京都千代田区永田町")


def test_revoke_command(taro, payload):
    cms_der = sign_as(taro, payload)
    out = io.StringIO()
    call_command("pki_revoke", "--resident", str(taro.subject), stdout=out)
    assert "CRL sign #2" in out.getvalue()
    assert signature_verify(payload=payload, cms_der=cms_der).outcome == "revoked"


def test_export_command_writes_pem_files(taro, tmp_path):
    call_command("pki_export_card", "yoshida-taro", "--out", str(tmp_path), stdout=io.StringIO())
    assert {p.name for p in tmp_path.iterdir()} == {
        "signer.pem",
        "signer.key",
        "chain.pem",
        "root.pem",
        "crls.pem",
    }
    assert (tmp_path / "signer.key").stat().st_mode & 0o077 == 0
    # The current CRLs of the signing CA and the root, for openssl cms -verify -crl_check_all.
    assert (tmp_path / "crls.pem").read_bytes().count(b"BEGIN X509 CRL") == 2


def test_demo_card_pem_endpoint_only_for_demo_residents(client, pki, settings):
    response = client.get("/pki/demo/cards/yoshida-taro.pem")
    assert response.status_code == 200
    assert b"BEGIN PRIVATE KEY" in response.content
    assert response.content.count(b"BEGIN CERTIFICATE") == 2
    assert client.get("/pki/demo/cards/nobody.pem").status_code == 404
    settings.IS_DEVELOPMENT = False
    assert client.get("/pki/demo/cards/yoshida-taro.pem").status_code == 404


def test_private_keys_are_wrapped_in_the_database(taro):
    issued = signing_issued(taro)
    assert b"PRIVATE KEY" not in bytes(issued.key_wrapped)
    services.card_signing_key(issued=issued)  # unwraps with the configured key
    from madoguchi.signatures.keys import KeyUnwrapError, private_key_unwrap

    with pytest.raises(KeyUnwrapError):
        private_key_unwrap(bytes(issued.key_wrapped), label="cert:other:1")


def test_reset_command_recreates(pki):
    old_root = authority("root").serial
    call_command("pki_setup_demo", "--reset", stdout=io.StringIO())
    assert authority("root").serial != old_root
    assert Card.objects.count() == 12
