"""Reads of the signatures app."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from madoguchi.core.ttlcache import TtlCache
from madoguchi.signatures.models import (
    Card,
    CertificateAuthority,
    CertificateKind,
    CertificateLink,
    CertificateRevocationList,
    IssuedCertificate,
    SignatureEvidence,
)

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

ROOT, SIGNING_CA, AUTHENTICATION_CA = "root", "sign", "auth"


def name_sha256(name: x509.Name) -> str:
    return hashlib.sha256(name.public_bytes()).hexdigest()


def authority_get(*, slug: str) -> CertificateAuthority | None:
    return CertificateAuthority.objects.filter(slug=slug).first()


def authority_certificate(*, authority: CertificateAuthority) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(authority.certificate_der))


def development_trust_certificates() -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """(anchors, intermediates) of the development hierarchy in the database."""
    anchors: list[x509.Certificate] = []
    intermediates: list[x509.Certificate] = []
    for authority in CertificateAuthority.objects.order_by("pk"):
        certificate = authority_certificate(authority=authority)
        (anchors if authority.parent_id is None else intermediates).append(certificate)
    return anchors, intermediates


def card_get(*, resident: Resident) -> Card | None:
    return Card.objects.filter(resident=resident).first()


def card_certificate(*, card: Card, kind: CertificateKind) -> IssuedCertificate | None:
    """The card's current certificate of `kind`: the newest one, revoked or not (a card keeps
    signing with a revoked certificate until it is renewed; verification refuses the result)."""
    return (
        IssuedCertificate.objects.filter(card=card, kind=kind)
        .order_by("-created_at", "-pk")
        .first()
    )


def resident_signing_certificate(*, resident: Resident) -> x509.Certificate | None:
    card = card_get(resident=resident)
    issued = card_certificate(card=card, kind=CertificateKind.SIGNING) if card else None
    return x509.load_der_x509_certificate(bytes(issued.certificate_der)) if issued else None


# The certificate → card → resident link, per certificate fingerprint, for a minute.
issued_cache: TtlCache[bytes, IssuedCertificate] = TtlCache(ttl=60.0, max_entries=100_000)


def issued_certificate_for(*, certificate: x509.Certificate) -> IssuedCertificate | None:
    """Our record of a certificate, found as the real reception system does: issuer + serial.

    With its card and the card's resident in the same query; without the stored certificate and
    wrapped key (the caller holds the certificate already) — this is on every submission, so
    the answer is kept for a minute per certificate (by fingerprint). The link of a certificate
    to its card never changes; revocation is not read from here but from the CRL.
    """
    key = certificate.fingerprint(hashes.SHA256())
    cached = issued_cache.get(key)
    if cached is not None:
        return cached
    issued = (
        IssuedCertificate.objects.select_related("card__resident")
        .defer("certificate_der", "key_wrapped", "card__sign_pin_hash", "card__auth_pin_hash")
        .filter(
            issuer_sha256=name_sha256(certificate.issuer),
            serial=str(certificate.serial_number),
        )
        .first()
    )
    if issued is not None:  # an unknown certificate may be issued any moment: not remembered
        issued_cache.put(key, issued)
    return issued


def issued_cache_clear() -> None:
    issued_cache.clear()
    link_cache.clear()


# certificate fingerprint → the resident it was linked to; links are never changed, so a found
# link is kept for a minute (a missing one is asked again: it may be written any moment).
link_cache: TtlCache[bytes, Resident] = TtlCache(ttl=60.0, max_entries=100_000)


def linked_resident_for(*, certificate: x509.Certificate) -> Resident | None:
    """The resident this certificate (issuer + serial) was linked to on its first signature."""
    key = certificate.fingerprint(hashes.SHA256())
    cached = link_cache.get(key)
    if cached is not None:
        return cached
    link = (
        CertificateLink.objects.select_related("resident")
        .filter(
            issuer_sha256=name_sha256(certificate.issuer), serial=str(certificate.serial_number)
        )
        .first()
    )
    if link is None:
        return None
    link_remember(certificate=certificate, link=link)
    return link.resident


def link_remember(*, certificate: x509.Certificate, link: CertificateLink) -> None:
    link_cache.put(certificate.fingerprint(hashes.SHA256()), link.resident)


def resident_for_certificate(*, certificate: x509.Certificate) -> Resident | None:
    """Who holds this certificate as far as the platform knows: the resident it was linked to,
    else — for a certificate of the development PKI — the resident whose virtual card it is on.
    (Signature checks trust only the link: a virtual card may carry someone else's 基本4情報.)"""
    linked = linked_resident_for(certificate=certificate)
    if linked is not None:
        return linked
    issued = issued_certificate_for(certificate=certificate)
    return issued.card.resident if issued is not None and issued.card is not None else None


def certificate_links_for(*, resident: Resident) -> list[CertificateLink]:
    return list(CertificateLink.objects.filter(resident=resident).order_by("linked_at", "pk"))


def crl_latest(*, authority: CertificateAuthority) -> CertificateRevocationList | None:
    return authority.crls.order_by("-number").first()


def evidence_get(*, public_id: str) -> SignatureEvidence | None:
    return SignatureEvidence.objects.filter(public_id=public_id).first()


def certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.PEM)
