"""Certificate and CRL profiles of the development JPKI-like hierarchy (pure functions, no DB).

    Root CA ──┬── 署名用 CA (signing)        → residents' 署名用電子証明書: name, address, birth
              │                              date, gender; keyUsage nonRepudiation+digitalSignature
              └── 利用者証明用 CA (auth)     → residents' 利用者証明用電子証明書: no personal data;
                                               keyUsage digitalSignature

The holder's attributes travel as subjectAltName otherName values under the arc JPKI uses for them
(1.2.392.200149.8.5.5.*), as UTF8String / PrintableString, so names keep their exact Unicode
(𠮷, 髙, 﨑, ideographic variation sequences) — nothing here normalises a string.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from asn1crypto import core as asn1
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

# JPKI-like holder attributes in subjectAltName otherName (see docs/pki.md).
OID_HOLDER_NAME = x509.ObjectIdentifier("1.2.392.200149.8.5.5.1")
OID_HOLDER_GENDER = x509.ObjectIdentifier("1.2.392.200149.8.5.5.3")
OID_HOLDER_BIRTH_DATE = x509.ObjectIdentifier("1.2.392.200149.8.5.5.4")
OID_HOLDER_ADDRESS = x509.ObjectIdentifier("1.2.392.200149.8.5.5.5")

ORGANISATION = "Madoguchi Development PKI (not JPKI)"


@dataclass(frozen=True)
class HolderIdentity:
    """What a 署名用 certificate says about its holder (基本4情報)."""

    name: str
    address: str
    birth_date: datetime.date
    gender: str  # ISO/IEC 5218 code: "1" male, "2" female, "0" not known, "9" not applicable


@dataclass(frozen=True)
class Issuer:
    certificate: x509.Certificate | None  # None: self-signed
    key: rsa.RSAPrivateKey


def ca_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate_id_name(serial: int) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{serial:040X}"[-40:]),
        ]
    )


def _utf8(value: str) -> bytes:
    return bytes(asn1.UTF8String(value).dump())


def _printable(value: str) -> bytes:
    return bytes(asn1.PrintableString(value).dump())


def holder_identity_from_certificate(certificate: x509.Certificate) -> HolderIdentity | None:
    """Read back the holder attributes of a 署名用 certificate; None if it carries none."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    values: dict[x509.ObjectIdentifier, str] = {}
    for other in san.get_values_for_type(x509.OtherName):
        values[other.type_id] = str(asn1.load(other.value).native)
    if OID_HOLDER_NAME not in values:
        return None
    birth = values.get(OID_HOLDER_BIRTH_DATE, "")
    return HolderIdentity(
        name=values[OID_HOLDER_NAME],
        address=values.get(OID_HOLDER_ADDRESS, ""),
        birth_date=datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8])),
        gender=values.get(OID_HOLDER_GENDER, ""),
    )


def _build(
    *,
    subject: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer: Issuer,
    serial: int,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    extensions: list[tuple[x509.ExtensionType, bool]],
    hash_algorithm: hashes.SHA256 | hashes.SHA384 | hashes.SHA512,
) -> x509.Certificate:
    issuer_name = issuer.certificate.subject if issuer.certificate else subject
    issuer_public = issuer.certificate.public_key() if issuer.certificate else public_key
    assert isinstance(issuer_public, rsa.RSAPublicKey)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False
        )
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer.key, hash_algorithm)


def _crl_distribution_point(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(url)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _key_usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def root_certificate_build(
    *,
    common_name: str,
    key: rsa.RSAPrivateKey,
    serial: int,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
) -> x509.Certificate:
    return _build(
        subject=ca_name(common_name),
        public_key=key.public_key(),
        issuer=Issuer(certificate=None, key=key),
        serial=serial,
        not_before=not_before,
        not_after=not_after,
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=1), True),
            (_key_usage(key_cert_sign=True, crl_sign=True), True),
        ],
        hash_algorithm=hashes.SHA256(),
    )


def subordinate_ca_certificate_build(
    *,
    common_name: str,
    public_key: rsa.RSAPublicKey,
    issuer: Issuer,
    serial: int,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    crl_url: str,
) -> x509.Certificate:
    return _build(
        subject=ca_name(common_name),
        public_key=public_key,
        issuer=issuer,
        serial=serial,
        not_before=not_before,
        not_after=not_after,
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (_key_usage(key_cert_sign=True, crl_sign=True), True),
            (_crl_distribution_point(crl_url), False),
        ],
        hash_algorithm=hashes.SHA256(),
    )


def signing_certificate_build(
    *,
    holder: HolderIdentity,
    public_key: rsa.RSAPublicKey,
    issuer: Issuer,
    serial: int,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    crl_url: str,
    hash_algorithm: hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None = None,
    key_usage: x509.KeyUsage | None = None,
) -> x509.Certificate:
    """A 署名用電子証明書. `hash_algorithm` and `key_usage` exist so tests can build the
    certificates a verifier must reject (SHA-1, wrong usage); the platform never passes them."""
    # As in JPKI, the subject DN identifies the certificate, not the person: the holder's
    # attributes live in subjectAltName. DN strings go through RFC 4518 string preparation in
    # path validators (asn1crypto, hence pyhanko), which refuses code points unassigned in Unicode
    # 3.2 — and the ideographic variation selectors of names like 葛󠄀城 are exactly that.
    subject = _certificate_id_name(serial)
    holder_attributes = x509.SubjectAlternativeName(
        [
            x509.OtherName(OID_HOLDER_NAME, _utf8(holder.name)),
            x509.OtherName(OID_HOLDER_GENDER, _printable(holder.gender)),
            x509.OtherName(OID_HOLDER_BIRTH_DATE, _printable(holder.birth_date.strftime("%Y%m%d"))),
            x509.OtherName(OID_HOLDER_ADDRESS, _utf8(holder.address)),
        ]
    )
    return _build(
        subject=subject,
        public_key=public_key,
        issuer=issuer,
        serial=serial,
        not_before=not_before,
        not_after=not_after,
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (key_usage or _key_usage(digital_signature=True, content_commitment=True), True),
            (holder_attributes, False),
            (_crl_distribution_point(crl_url), False),
        ],
        hash_algorithm=hash_algorithm or hashes.SHA256(),
    )


def authentication_certificate_build(
    *,
    public_key: rsa.RSAPublicKey,
    issuer: Issuer,
    serial: int,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    crl_url: str,
) -> x509.Certificate:
    """A 利用者証明用電子証明書: identifies the card, not the person (no personal data)."""
    return _build(
        subject=_certificate_id_name(serial),
        public_key=public_key,
        issuer=issuer,
        serial=serial,
        not_before=not_before,
        not_after=not_after,
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_key_usage(digital_signature=True), True),
            (_crl_distribution_point(crl_url), False),
        ],
        hash_algorithm=hashes.SHA256(),
    )


@dataclass(frozen=True)
class RevokedEntry:
    serial: int
    revoked_at: datetime.datetime
    reason: x509.ReasonFlags


def crl_build(
    *,
    issuer: Issuer,
    number: int,
    this_update: datetime.datetime,
    next_update: datetime.datetime,
    revoked: list[RevokedEntry],
) -> x509.CertificateRevocationList:
    assert issuer.certificate is not None
    issuer_public = issuer.certificate.public_key()
    assert isinstance(issuer_public, rsa.RSAPublicKey)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False
        )
    )
    for entry in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
            .add_extension(x509.CRLReason(entry.reason), critical=False)
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256())
