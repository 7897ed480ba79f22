"""Helpers for tests (this app's and others'): sign as a demo resident, export PEM files for the
openssl CLI, and build certificates a verifier must refuse. Development PKI only."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils import timezone

from madoguchi.accounts.models import Resident
from madoguchi.signatures import pki, selectors, services
from madoguchi.signatures.keys import rsa_key_generate
from madoguchi.signatures.models import (
    Card,
    CertificateAuthority,
    CertificateKind,
    IssuedCertificate,
)


def demo_resident(key: str) -> Resident:
    """A demo resident by their demo.json key (e.g. 'yoshida-taro'); needs the `demo` fixture."""
    from madoguchi.accounts.services import demo_resident_subject

    return Resident.objects.get(subject=demo_resident_subject(key))


def sign_as(resident: Resident, payload: bytes) -> bytes:
    """A detached CMS signature by `resident`'s virtual card with the demo PIN."""
    return services.signature_sign(resident=resident, payload=payload, pin=services.DEMO_SIGN_PIN)


@dataclass(frozen=True)
class PemFiles:
    certificate: Path
    key: Path
    chain: Path
    root: Path


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> Path:
    path.write_bytes(
        key.private_bytes(
            Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)
    return path


def export_pem(
    directory: Path, *, resident: Resident, kind: CertificateKind = CertificateKind.SIGNING
) -> PemFiles:
    """Write a resident's certificate and key, the issuing CA and the root as PEM files."""
    card = selectors.card_get(resident=resident)
    assert card is not None, "no card: run pki_setup_demo first"
    issued = selectors.card_certificate(card=card, kind=kind)
    assert issued is not None
    root = selectors.authority_get(slug=selectors.ROOT)
    assert root is not None
    directory.mkdir(parents=True, exist_ok=True)
    certificate = directory / "signer.pem"
    certificate.write_bytes(
        x509.load_der_x509_certificate(bytes(issued.certificate_der)).public_bytes(Encoding.PEM)
    )
    chain = directory / "chain.pem"
    chain.write_bytes(
        selectors.authority_certificate(authority=issued.authority).public_bytes(Encoding.PEM)
    )
    root_path = directory / "root.pem"
    root_path.write_bytes(
        selectors.authority_certificate(authority=root).public_bytes(Encoding.PEM)
    )
    key = _write_key(directory / "signer.key", services.card_signing_key(issued=issued))
    return PemFiles(certificate=certificate, key=key, chain=chain, root=root_path)


@dataclass(frozen=True)
class Forged:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: list[x509.Certificate]


def signing_certificate_forge(
    *,
    resident: Resident,
    issuer: pki.Issuer | None = None,
    key_bits: int = 2048,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    key_usage: x509.KeyUsage | None = None,
) -> Forged:
    """A 署名用-style certificate outside the normal issuing rules (weak key, odd key usage,
    another issuer). Signed by the real signing CA unless `issuer` is given."""
    issuer = issuer or services.authority_issuer(slug=selectors.SIGNING_CA)
    key = rsa_key_generate(bits=key_bits, role=f"forged:{resident.subject}:{key_bits}")
    now = timezone.now()
    certificate = pki.signing_certificate_build(
        holder=pki.HolderIdentity(
            name=resident.name,
            address=resident.address,
            birth_date=resident.birth_date,
            gender=resident.gender,
        ),
        public_key=key.public_key(),
        issuer=issuer,
        serial=x509.random_serial_number(),
        not_before=not_before or now - datetime.timedelta(minutes=5),
        not_after=not_after or now + datetime.timedelta(days=30),
        crl_url=services.crl_url(selectors.SIGNING_CA),
        key_usage=key_usage,
    )
    chain = [issuer.certificate] if issuer.certificate is not None else []
    return Forged(certificate=certificate, key=key, chain=chain)


def rogue_signing_ca() -> pki.Issuer:
    """A CA with exactly the name of the real signing CA, under a root nobody trusts."""
    now = timezone.now()
    root_key = rsa_key_generate(role="rogue:root")
    root = pki.root_certificate_build(
        common_name=services.CA_NAMES[selectors.ROOT],
        key=root_key,
        serial=x509.random_serial_number(),
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=365),
    )
    ca_key = rsa_key_generate(role="rogue:sign")
    ca = pki.subordinate_ca_certificate_build(
        common_name=services.CA_NAMES[selectors.SIGNING_CA],
        public_key=ca_key.public_key(),
        issuer=pki.Issuer(certificate=root, key=root_key),
        serial=x509.random_serial_number(),
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=365),
        crl_url=services.crl_url(selectors.ROOT),
    )
    return pki.Issuer(certificate=ca, key=ca_key)


# --- Non-optional lookups for tests (the selectors return None when something is missing) ---


def card_of(resident: Resident) -> Card:
    card = selectors.card_get(resident=resident)
    assert card is not None, "no card: run pki_setup_demo first"
    return card


def signing_issued(resident: Resident) -> IssuedCertificate:
    issued = selectors.card_certificate(card=card_of(resident), kind=CertificateKind.SIGNING)
    assert issued is not None
    return issued


def auth_issued(resident: Resident) -> IssuedCertificate:
    issued = selectors.card_certificate(card=card_of(resident), kind=CertificateKind.AUTHENTICATION)
    assert issued is not None
    return issued


def issued_x509(issued: IssuedCertificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(issued.certificate_der))


def authority(slug: str) -> CertificateAuthority:
    found = selectors.authority_get(slug=slug)
    assert found is not None, f"no CA {slug}: run pki_setup_demo first"
    return found


def ca_certificate(slug: str) -> x509.Certificate:
    return selectors.authority_certificate(authority=authority(slug))


def rsa_bits(certificate: x509.Certificate) -> int:
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key.key_size


def signing_certificate(resident: Resident) -> x509.Certificate:
    return issued_x509(signing_issued(resident))
