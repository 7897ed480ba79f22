"""Writes of the signatures app: the development PKI, virtual cards, signing and evidence."""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from madoguchi.accounts.selectors import residents_born_on
from madoguchi.accounts.services import resident_create_from_certificate
from madoguchi.accounts.types import Gender, PersonRecord
from madoguchi.audit.services import audit_record
from madoguchi.municipalities.selectors import municipality_for_address
from madoguchi.signatures import conf, pki, selectors
from madoguchi.signatures.crl import (
    CrlFetcher,
    CrlFetchError,
    HttpCrlFetcher,
    crl_cache,
    crl_distribution_urls,
)
from madoguchi.signatures.holder import PersonFacts, holder_compare
from madoguchi.signatures.keys import private_key_unwrap, private_key_wrap, rsa_key_generate
from madoguchi.signatures.models import (
    Card,
    CertificateAuthority,
    CertificateKind,
    CertificateLink,
    CertificateRevocationList,
    IssuedCertificate,
    SignatureEvidence,
)
from madoguchi.signatures.outcomes import Outcome
from madoguchi.signatures.signers import (
    DEFAULT_SIGNER,
    NoCard,
    PinFormatError,
    PinIncorrect,
    PinLocked,
    signer_get,
)
from madoguchi.signatures.verification import (
    VerificationResult,
    caches_clear,
    signature_value_sha256,
    signature_verify,
)

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

# Documented in docs/pki.md: every demo resident's virtual card has these PINs.
DEMO_SIGN_PIN = "MADO2026"
DEMO_AUTH_PIN = "1234"

ROOT, SIGNING_CA, AUTHENTICATION_CA = (
    selectors.ROOT,
    selectors.SIGNING_CA,
    selectors.AUTHENTICATION_CA,
)
CA_NAMES = {
    ROOT: "Madoguchi Development JPKI Root CA",
    SIGNING_CA: "Madoguchi Development JPKI Signature CA",
    AUTHENTICATION_CA: "Madoguchi Development JPKI User Authentication CA",
}
_CA_YEARS = {ROOT: 20, SIGNING_CA: 10, AUTHENTICATION_CA: 10}
# JPKI: a signing certificate lives until the holder's 5th birthday after issue; we use 5 years.
CARD_CERTIFICATE_LIFETIME = datetime.timedelta(days=5 * 365)
_BACKDATE = datetime.timedelta(minutes=5)  # tolerate clock skew between issuer and verifiers


class PinKind(StrEnum):
    SIGN = "sign"
    AUTH = "auth"


@dataclass(frozen=True)
class PinRule:
    pattern: re.Pattern[str]
    min_length: int
    max_length: int
    digits_only: bool
    max_failures: int


PIN_RULES = {
    # 署名用パスワード: 6–16 alphanumerics, locked after 5 wrong tries.
    PinKind.SIGN: PinRule(re.compile(r"[A-Za-z0-9]{6,16}"), 6, 16, False, 5),
    # 利用者証明用パスワード: 4 digits, locked after 3 wrong tries.
    PinKind.AUTH: PinRule(re.compile(r"[0-9]{4}"), 4, 4, True, 3),
}


def pin_check_format(*, kind: PinKind, pin: str) -> None:
    rule = PIN_RULES[kind]
    if not isinstance(pin, str) or not rule.pattern.fullmatch(pin):
        raise PinFormatError(
            min_length=rule.min_length, max_length=rule.max_length, digits_only=rule.digits_only
        )


# --- Certification authorities and CRLs ---------------------------------------------------------


def _issuer(authority: CertificateAuthority) -> pki.Issuer:
    """The CA's certificate and unwrapped key (kept only for the duration of the call chain)."""
    return pki.Issuer(
        certificate=selectors.authority_certificate(authority=authority),
        key=private_key_unwrap(bytes(authority.key_wrapped), label=f"ca:{authority.slug}"),
    )


def authority_issuer(*, slug: str) -> pki.Issuer:
    """Certificate and key of one development CA (for tooling and tests that need to issue
    unusual certificates; the platform's own issuing goes through the functions below)."""
    authority = selectors.authority_get(slug=slug)
    if authority is None:
        raise LookupError(f"no CA {slug!r}; run pki_setup_demo")
    return _issuer(authority)


def crl_url(slug: str) -> str:
    return f"{conf.pki_base_url()}crl/{slug}.crl"


def _authority_create(*, slug: str, parent: CertificateAuthority | None) -> CertificateAuthority:
    now = timezone.now()
    key = rsa_key_generate(role=f"ca:{slug}")
    serial = x509.random_serial_number()
    not_after = now + datetime.timedelta(days=365 * _CA_YEARS[slug])
    if parent is None:
        certificate = pki.root_certificate_build(
            common_name=CA_NAMES[slug],
            key=key,
            serial=serial,
            not_before=now - _BACKDATE,
            not_after=not_after,
        )
    else:
        certificate = pki.subordinate_ca_certificate_build(
            common_name=CA_NAMES[slug],
            public_key=key.public_key(),
            issuer=_issuer(parent),
            serial=serial,
            not_before=now - _BACKDATE,
            not_after=not_after,
            crl_url=crl_url(parent.slug),
        )
    return CertificateAuthority.objects.create(
        slug=slug,
        common_name=CA_NAMES[slug],
        parent=parent,
        certificate_der=certificate.public_bytes(Encoding.DER),
        subject_sha256=selectors.name_sha256(certificate.subject),
        serial=str(serial),
        key_wrapped=private_key_wrap(key, label=f"ca:{slug}"),
    )


def crl_publish(
    *, authority: CertificateAuthority, at: datetime.datetime | None = None
) -> CertificateRevocationList:
    """Issue the next CRL of `authority` listing every certificate it has revoked."""
    at = at or timezone.now()
    with transaction.atomic():
        # Serialise publishers so CRL numbers stay strictly increasing.
        CertificateAuthority.objects.select_for_update().filter(pk=authority.pk).first()
        latest = selectors.crl_latest(authority=authority)
        number = (latest.number + 1) if latest else 1
        revoked = [
            pki.RevokedEntry(
                serial=int(issued.serial),
                revoked_at=issued.revoked_at,
                reason=revocation_reason(issued.revocation_reason or "unspecified"),
            )
            for issued in authority.certificates.filter(revoked_at__isnull=False).order_by("pk")
            if issued.revoked_at is not None
        ]
        crl = pki.crl_build(
            issuer=_issuer(authority),
            number=number,
            this_update=at,
            next_update=at + conf.crl_lifetime(),
            revoked=revoked,
        )
        return CertificateRevocationList.objects.create(
            authority=authority,
            number=number,
            this_update=at,
            next_update=at + conf.crl_lifetime(),
            crl_der=crl.public_bytes(Encoding.DER),
        )


def crl_current_der(*, slug: str) -> bytes | None:
    """The DER CRL to serve for CA `slug`; a new one is published once the latest is past half its
    lifetime, so a development installation never serves a stale CRL. None: no such CA."""
    authority = selectors.authority_get(slug=slug)
    if authority is None:
        return None
    latest = selectors.crl_latest(authority=authority)
    now = timezone.now()
    if latest is None or now >= latest.this_update + (latest.next_update - latest.this_update) / 2:
        latest = crl_publish(authority=authority, at=now)
    return bytes(latest.crl_der)


class PlatformCrlFetcher:
    """This platform's own CRLs straight from the database — the bytes /pki/crl/<ca>.crl would
    serve, without an HTTP request to ourselves (which a single busy worker could not answer).
    Any other URL goes over HTTP."""

    def __init__(self, *, http: CrlFetcher | None = None) -> None:
        self.http = http or HttpCrlFetcher()

    def fetch(self, url: str) -> bytes:
        prefix = conf.pki_base_url() + "crl/"
        if url.startswith(prefix) and url.endswith(".crl"):
            der = crl_current_der(slug=url[len(prefix) : -len(".crl")])
            if der is None:
                raise CrlFetchError(f"no CRL published at {url}")
            return der
        return self.http.fetch(url)


# --- Virtual cards ------------------------------------------------------------------------------


def _holder(resident: Resident) -> pki.HolderIdentity:
    return pki.HolderIdentity(
        name=resident.name,
        address=resident.address,
        birth_date=resident.birth_date,
        gender=resident.gender,
    )


def _store_certificate(
    *,
    authority: CertificateAuthority,
    card: Card | None,
    kind: CertificateKind,
    certificate: x509.Certificate,
    key_wrapped: bytes,
) -> IssuedCertificate:
    return IssuedCertificate.objects.create(
        authority=authority,
        card=card,
        kind=kind,
        issuer_sha256=selectors.name_sha256(certificate.issuer),
        serial=str(certificate.serial_number),
        subject=certificate.subject.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        certificate_der=certificate.public_bytes(Encoding.DER),
        key_wrapped=key_wrapped,
    )


def signing_certificate_issue(
    *,
    card: Card,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    holder: pki.HolderIdentity | None = None,
) -> IssuedCertificate:
    """A new 署名用電子証明書 for the card's resident, with the resident's current name, address,
    birth date and gender (or `holder`'s: a card issued to someone else, for tests of a borrowed
    card). `not_before`/`not_after` exist for tests of expired certificates."""
    authority = selectors.authority_get(slug=SIGNING_CA)
    if authority is None:
        raise LookupError("the signing CA does not exist; run pki_setup_demo")
    now = timezone.now()
    key = rsa_key_generate(role=f"card:{card.resident.subject}:sign")
    serial = x509.random_serial_number()
    certificate = pki.signing_certificate_build(
        holder=holder or _holder(card.resident),
        public_key=key.public_key(),
        issuer=_issuer(authority),
        serial=serial,
        not_before=not_before or now - _BACKDATE,
        not_after=not_after or now + CARD_CERTIFICATE_LIFETIME,
        crl_url=crl_url(SIGNING_CA),
    )
    label = f"cert:{selectors.name_sha256(certificate.issuer)}:{serial}"
    return _store_certificate(
        authority=authority,
        card=card,
        kind=CertificateKind.SIGNING,
        certificate=certificate,
        key_wrapped=private_key_wrap(key, label=label),
    )


def _authentication_certificate_issue(*, card: Card) -> IssuedCertificate:
    authority = selectors.authority_get(slug=AUTHENTICATION_CA)
    if authority is None:
        raise LookupError("the user authentication CA does not exist; run pki_setup_demo")
    now = timezone.now()
    key = rsa_key_generate(role=f"card:{card.resident.subject}:auth")
    serial = x509.random_serial_number()
    certificate = pki.authentication_certificate_build(
        public_key=key.public_key(),
        issuer=_issuer(authority),
        serial=serial,
        not_before=now - _BACKDATE,
        not_after=now + CARD_CERTIFICATE_LIFETIME,
        crl_url=crl_url(AUTHENTICATION_CA),
    )
    label = f"cert:{selectors.name_sha256(certificate.issuer)}:{serial}"
    return _store_certificate(
        authority=authority,
        card=card,
        kind=CertificateKind.AUTHENTICATION,
        certificate=certificate,
        key_wrapped=private_key_wrap(key, label=label),
    )


@transaction.atomic
def card_issue(
    *,
    resident: Resident,
    sign_pin: str = DEMO_SIGN_PIN,
    auth_pin: str = DEMO_AUTH_PIN,
    holder: pki.HolderIdentity | None = None,
) -> Card:
    """Issue a virtual My Number Card with both certificates; an existing card is returned as is.

    The card is the one in `resident`'s reader; its signing certificate carries the resident's
    基本4情報 — or `holder`'s, to imitate someone signing with another person's card (refused)."""
    existing = selectors.card_get(resident=resident)
    if existing is not None:
        return existing
    pin_check_format(kind=PinKind.SIGN, pin=sign_pin)
    pin_check_format(kind=PinKind.AUTH, pin=auth_pin)
    card = Card.objects.create(
        resident=resident,
        sign_pin_hash=make_password(sign_pin),
        auth_pin_hash=make_password(auth_pin),
    )
    signing_certificate_issue(card=card, holder=holder)
    _authentication_certificate_issue(card=card)
    return card


def revocation_reason(name: str) -> x509.ReasonFlags:
    """RFC 5280 reason by its Python name (affiliation_changed, key_compromise, ...)."""
    try:
        return x509.ReasonFlags[name]
    except KeyError:
        known = ", ".join(flag.name for flag in x509.ReasonFlags)
        raise ValueError(f"unknown revocation reason {name!r}; known: {known}") from None


def certificate_revoke(
    *,
    certificate: IssuedCertificate,
    reason: str = "affiliation_changed",
    at: datetime.datetime | None = None,
) -> CertificateRevocationList:
    """Revoke and publish a new CRL at once (RFC 5280 reason names: affiliation_changed for a
    change of name or address, key_compromise, cessation_of_operation, ...)."""
    revocation_reason(reason)  # refuse unknown reasons before writing anything
    with transaction.atomic():
        updated = IssuedCertificate.objects.filter(
            pk=certificate.pk, revoked_at__isnull=True
        ).update(revoked_at=at or timezone.now(), revocation_reason=reason)
        certificate.refresh_from_db()
        crl = crl_publish(authority=certificate.authority)
    if updated:
        # This process sees the revocation at once; others within SIGNATURES_CRL_MAX_AGE.
        for url in crl_distribution_urls(
            x509.load_der_x509_certificate(bytes(certificate.certificate_der))
        ):
            crl_cache.invalidate(url)
    return crl


@transaction.atomic
def signing_certificate_renew(
    *, resident: Resident, reason: str = "affiliation_changed"
) -> IssuedCertificate:
    """After a change of name or address: revoke the current 署名用 certificate and issue one with
    the resident's current data. The PINs stay."""
    card = selectors.card_get(resident=resident)
    if card is None:
        raise NoCard("no card")
    current = selectors.card_certificate(card=card, kind=CertificateKind.SIGNING)
    if current is not None and current.revoked_at is None:
        certificate_revoke(certificate=current, reason=reason)
    return signing_certificate_issue(card=card)


def card_pin_verify(*, card: Card, kind: PinKind, pin: str) -> None:
    """Check a PIN against the card's counter. Raises PinFormatError, PinLocked, PinIncorrect.

    The counter is read and written while the card row is locked, and committed before the
    exception leaves, so a wrong try is never lost to a rollback.
    """
    pin_check_format(kind=kind, pin=pin)
    rule = PIN_RULES[kind]
    failures_field, hash_field = f"{kind}_pin_failures", f"{kind}_pin_hash"
    with transaction.atomic():
        locked_card = Card.objects.select_for_update().get(pk=card.pk)
        failures = getattr(locked_card, failures_field)
        if failures >= rule.max_failures:
            outcome: str = "locked"
        elif check_password(pin, getattr(locked_card, hash_field)):
            outcome = "ok"
            if failures:
                setattr(locked_card, failures_field, 0)
                locked_card.save(update_fields=[failures_field, "updated_at"])
        else:
            failures += 1
            setattr(locked_card, failures_field, failures)
            locked_card.save(update_fields=[failures_field, "updated_at"])
            outcome = "locked" if failures >= rule.max_failures else "wrong"
    if outcome == "locked":
        raise PinLocked("PIN locked")
    if outcome == "wrong":
        raise PinIncorrect(remaining_tries=rule.max_failures - failures)


@transaction.atomic
def card_pin_reset(*, resident: Resident, kind: PinKind, new_pin: str) -> Card:
    """The municipal counter's PIN reset (初期化): a new PIN and a cleared counter."""
    pin_check_format(kind=kind, pin=new_pin)
    card = selectors.card_get(resident=resident)
    if card is None:
        raise NoCard("no card")
    card = Card.objects.select_for_update().get(pk=card.pk)
    setattr(card, f"{kind}_pin_hash", make_password(new_pin))
    setattr(card, f"{kind}_pin_failures", 0)
    card.save(update_fields=[f"{kind}_pin_hash", f"{kind}_pin_failures", "updated_at"])
    return card


def pin_remaining_tries(*, resident: Resident, kind: PinKind = PinKind.SIGN) -> int | None:
    """Tries left before the lock (0 = locked); None without a card. For pages that warn early."""
    card = selectors.card_get(resident=resident)
    if card is None:
        return None
    failures: int = getattr(card, f"{kind}_pin_failures")
    return max(0, PIN_RULES[kind].max_failures - failures)


def card_signing_key(*, issued: IssuedCertificate) -> rsa.RSAPrivateKey:
    label = f"cert:{issued.issuer_sha256}:{issued.serial}"
    return private_key_unwrap(bytes(issued.key_wrapped), label=label)


# --- Signing ------------------------------------------------------------------------------------


def signature_sign(
    *, resident: Resident, payload: bytes, pin: str, signer: str = DEFAULT_SIGNER
) -> bytes:
    """Sign the canonical payload for `resident` with the 署名用 PIN: detached CMS (DER).

    Raises NoCard, PinFormatError, PinIncorrect (with .remaining_tries) or PinLocked; each has a
    Japanese .message for the page."""
    return signer_get(resident=resident, name=signer).sign(payload=payload, pin=pin)


# --- Verification and evidence ------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedSignature:
    """A verified (or refused) signature, not yet stored: see signature_evidence_store."""

    result: VerificationResult
    outcome: Outcome
    detail: str
    payload_sha256: str
    cms_der: bytes
    issued: IssuedCertificate | None
    payload: bytes = b""

    @property
    def envelope_key(self) -> str | None:
        """What identifies this signed envelope (signature_envelope_key)."""
        return signature_envelope_key(cms_der=self.cms_der)

    # The resident the certificate belongs to (its link, or the expected resident it is about
    # to be linked to); None when unknown.
    resident: Resident | None = None
    # Link the certificate to `resident` when the evidence is stored (its first signature).
    link: bool = False
    # Why a valid signature is SIGNER_MISMATCH: "holder" (not the signed-in resident's card)
    # or "applicant" (the answers name someone else); and the fields that differ.
    mismatch: str = ""
    mismatched: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApplicantBinding:
    """Who the answers say signs (docs/signing.md "Who the signer is"): compared with the
    certificate's holder. `require` lists the fields that must be present and equal."""

    person: PersonFacts
    require: tuple[str, ...] = ("name",)


def holder_facts(certificate: x509.Certificate) -> PersonFacts | None:
    holder = pki.holder_identity_from_certificate(certificate)
    if holder is None:
        return None
    return PersonFacts(
        name=holder.name, birth_date=holder.birth_date, address=holder.address, gender=holder.gender
    )


def resident_facts(resident: Resident) -> PersonFacts:
    return PersonFacts(
        name=resident.name,
        birth_date=resident.birth_date,
        address=resident.address,
        gender=resident.gender,
    )


_RESIDENT_FIELDS = ("name", "birth_date", "address")


def signature_envelope_key(*, cms_der: bytes) -> str | None:
    """The key under which a signed envelope is received at most once: the SHA-256 of the CMS
    signature value (docs/signing.md, "Once"). None for a signature that cannot be parsed."""
    return signature_value_sha256(cms_der)


def signature_check(
    *,
    payload: bytes,
    cms_der: bytes,
    expected_resident: Resident | None = None,
    applicant: ApplicantBinding | None = None,
    moment: datetime.datetime | None = None,
) -> CheckedSignature:
    """Verify without writing anything (callers keep it out of their write transaction: on
    SQLite a write transaction holds the database's only write lock).

    With `expected_resident` (the signed-in resident, or the applicant the API resolved), a
    valid signature must be by that resident's certificate: one linked to them, or — on its
    first use — one whose 基本4情報 match their record (then `link` is set and storing the
    evidence links it). Anything else is SIGNER_MISMATCH ("holder"). With `applicant`, the
    person the answers name as the signer must be the certificate's holder too, else
    SIGNER_MISMATCH ("applicant").
    """
    result: VerificationResult = signature_verify(payload=payload, cms_der=cms_der, moment=moment)
    certificate = result.certificate
    issued = selectors.issued_certificate_for(certificate=certificate) if certificate else None
    resident = selectors.linked_resident_for(certificate=certificate) if certificate else None
    holder = holder_facts(certificate) if certificate else None
    outcome, detail = result.outcome, result.detail
    link, mismatch = False, ""
    mismatched: tuple[str, ...] = ()
    if outcome == Outcome.VALID and expected_resident is not None:
        if resident is not None and resident.pk != expected_resident.pk:
            outcome, mismatch = Outcome.SIGNER_MISMATCH, "holder"
            detail = f"certificate is linked to resident {resident.pk}"
        elif resident is None:
            comparison = (
                holder_compare(
                    holder=holder,
                    person=resident_facts(expected_resident),
                    require=_RESIDENT_FIELDS,
                )
                if holder is not None
                else None
            )
            if comparison is None or not comparison.matches:
                outcome, mismatch = Outcome.SIGNER_MISMATCH, "holder"
                mismatched = comparison.mismatched if comparison else _RESIDENT_FIELDS
                detail = f"certificate holder differs from the resident in {', '.join(mismatched)}"
                # The evidence names who really signed, when a record matches the holder.
                resident = signer_resident_find(certificate=certificate) if certificate else None
            else:
                resident, link = expected_resident, True
    if outcome == Outcome.VALID and applicant is not None:
        comparison = (
            holder_compare(holder=holder, person=applicant.person, require=applicant.require)
            if holder is not None
            else None
        )
        if comparison is None or not comparison.matches:
            outcome, mismatch, link = Outcome.SIGNER_MISMATCH, "applicant", False
            mismatched = comparison.mismatched if comparison else applicant.require
            detail = f"the applicant in the answers differs in {', '.join(mismatched)}"
    return CheckedSignature(
        result=result,
        outcome=outcome,
        detail=detail,
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        cms_der=cms_der,
        issued=issued,
        payload=payload,
        resident=resident,
        link=link,
        mismatch=mismatch,
        mismatched=tuple(mismatched),
    )


def signature_evidence_store(*, checked: CheckedSignature) -> SignatureEvidence:
    """Keep the evidence of a checked signature (valid or not); on a certificate's first valid
    signature, link it to its resident (in the caller's transaction)."""
    result = checked.result
    certificate = result.certificate
    holder = pki.holder_identity_from_certificate(certificate) if certificate else None
    if checked.link and certificate is not None and checked.resident is not None:
        link, _created = CertificateLink.objects.get_or_create(
            issuer_sha256=selectors.name_sha256(certificate.issuer),
            serial=str(certificate.serial_number),
            defaults={
                "resident": checked.resident,
                "holder_name": holder.name if holder else "",
                "not_after": certificate.not_valid_after_utc,
            },
        )
        # Links never change: this process knows it from now on, once it is committed (the
        # hot path then asks the database nothing about this certificate again).
        transaction.on_commit(
            functools.partial(selectors.link_remember, certificate=certificate, link=link)
        )
        audit_record(
            action="signature.certificate_linked",
            municipality_code=checked.resident.municipality_id,
            object_type="accounts.resident",
            object_id=str(checked.resident.pk),
            data={"serial": str(certificate.serial_number), "issuer": result.issuer},
        )
    return SignatureEvidence.objects.create(
        outcome=checked.outcome,
        verified_at=result.verified_at,
        payload_sha256=checked.payload_sha256,
        payload=checked.payload,
        cms_der=checked.cms_der,
        certificate_der=certificate.public_bytes(Encoding.DER) if certificate else None,
        issuer=result.issuer,
        serial=result.serial,
        subject=result.subject,
        holder_name=holder.name if holder else "",
        crl_number="" if result.crl_number is None else str(result.crl_number),
        certificate=checked.issued,
        resident=checked.resident,
        detail=checked.detail,
    )


def signer_resident_find(*, certificate: x509.Certificate) -> Resident | None:
    """The resident a signing certificate belongs to: the one it is linked to, else the resident
    whose record matches its 基本4情報 (name, birth date, address; gender when recorded) —
    the oldest record if several do. None when no record matches."""
    linked = selectors.linked_resident_for(certificate=certificate)
    if linked is not None:
        return linked
    holder = holder_facts(certificate)
    if holder is None or holder.birth_date is None:
        return None
    for candidate in residents_born_on(birth_date=holder.birth_date):
        comparison = holder_compare(
            holder=holder, person=resident_facts(candidate), require=_RESIDENT_FIELDS
        )
        if comparison.matches:
            return candidate
    return None


class UnknownMunicipality(LookupError):
    """The certificate's address lies in no municipality of the master."""


def signer_resident_create(*, certificate: x509.Certificate) -> Resident:
    """A resident record from a verified certificate's 基本4情報 (name, birth date, gender,
    address; no reading), in the municipality of its address. Call only after the signature
    verified. Raises UnknownMunicipality."""
    holder = pki.holder_identity_from_certificate(certificate)
    municipality = municipality_for_address(address=holder.address) if holder is not None else None
    if holder is None or municipality is None:
        raise UnknownMunicipality(holder.address if holder else "")
    family, _, given = holder.name.replace("\u3000", " ").partition(" ")
    return resident_create_from_certificate(
        person=PersonRecord(
            family_name=family.strip(),
            given_name=given.strip(),
            birth_date=holder.birth_date,
            gender=holder.gender if holder.gender in Gender.values else "",
            address=holder.address,
        ),
        municipality_code=municipality.code,
    )


def signature_verify_and_store(
    *,
    payload: bytes,
    cms_der: bytes,
    expected_resident: Resident | None = None,
    moment: datetime.datetime | None = None,
) -> SignatureEvidence:
    """Verify and keep the evidence, in one call. Failed verifications are stored too."""
    checked = signature_check(
        payload=payload, cms_der=cms_der, expected_resident=expected_resident, moment=moment
    )
    with transaction.atomic():  # the link (first signature) and the evidence together
        return signature_evidence_store(checked=checked)


# --- The demo PKI -------------------------------------------------------------------------------


@dataclass
class PkiSetupResult:
    authorities_created: int = 0
    cards_issued: int = 0

    def __str__(self) -> str:
        return (
            f"demo PKI: authorities created={self.authorities_created} "
            f"cards issued={self.cards_issued}"
        )


def demo_residents() -> list[Resident]:
    from madoguchi.accounts.selectors import demo_resident_list

    return list(demo_resident_list().order_by("pk"))


@transaction.atomic
def pki_setup_demo() -> PkiSetupResult:
    """Create the hierarchy if missing and a card for every demo resident who lacks one.

    Idempotent: a second run creates nothing and changes nothing."""
    result = PkiSetupResult()
    authorities: dict[str, CertificateAuthority] = {}
    for slug, parent_slug in ((ROOT, None), (SIGNING_CA, ROOT), (AUTHENTICATION_CA, ROOT)):
        authority = selectors.authority_get(slug=slug)
        if authority is None:
            parent = authorities[parent_slug] if parent_slug else None
            authority = _authority_create(slug=slug, parent=parent)
            result.authorities_created += 1
        authorities[slug] = authority
    for authority in authorities.values():
        if selectors.crl_latest(authority=authority) is None:
            crl_publish(authority=authority)
    for resident in demo_residents():
        if selectors.card_get(resident=resident) is None:
            card_issue(resident=resident)
            result.cards_issued += 1
    if result.authorities_created:
        caches_clear()
        transaction.on_commit(caches_clear)
    return result


@transaction.atomic
def pki_reset_demo() -> None:
    """Delete the development PKI and every card (evidence stays, unlinked from certificates)."""
    if not settings.IS_DEVELOPMENT:
        raise RuntimeError("the development PKI cannot be reset outside development")
    IssuedCertificate.objects.all().delete()
    Card.objects.all().delete()
    CertificateRevocationList.objects.all().delete()
    CertificateAuthority.objects.filter(parent__isnull=False).delete()
    CertificateAuthority.objects.all().delete()
    caches_clear()


def signature_evidence_delete(*, evidence_id: int) -> bool:
    """Delete one piece of signature evidence (the certificate in it names a person) once the
    application it proves has passed its retention period (applications.retention). The caller
    first drops its own reference. True when a row was deleted."""
    deleted, _by_model = SignatureEvidence.objects.filter(pk=evidence_id).delete()
    return bool(deleted)
