"""Verification of detached CMS signatures over the canonical payload.

Order of checks (each failure has its own outcome): structure → algorithm policy → digest →
signature value → key usage → path to a trust anchor → validity period → CRLs (fetched, fresh)
→ full validation by pyhanko (path, CRL signatures, revocation, key usage, algorithms).

The cheap checks run on every call. The expensive one — pyhanko's path and CRL validation, ~6 ms
— runs once per certificate and set of CRL numbers: its outcome is cached per (certificate,
CRL numbers) until the earliest nextUpdate or notAfter in the path. A new CRL (new number) or a
new certificate misses the cache. The key is the certificate's fingerprint, which determines its
issuer and serial: a forged certificate with a known issuer and serial has another fingerprint.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils import timezone

from madoguchi.signatures.asn1_setup import pyhanko_ready
from madoguchi.signatures.crl import CachedCrl, CrlProblem, crl_cache, crl_distribution_urls
from madoguchi.signatures.outcomes import Outcome, outcome_message
from madoguchi.signatures.trust import TrustStore, trust_store

MIN_RSA_BITS = 2048
_DIGESTS: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_WEAK_DIGESTS = {"md2", "md5", "sha1"}
_RSA_V15 = {"rsassa_pkcs1v15", "sha256_rsa", "sha384_rsa", "sha512_rsa"}
_WEAK_RSA_V15 = {"md2_rsa", "md5_rsa", "sha1_rsa"}
_OUTCOME_CACHE_SIZE = 100_000
_DER = Encoding.DER


@dataclass(frozen=True)
class VerificationResult:
    outcome: Outcome
    verified_at: datetime.datetime
    detail: str = ""
    certificate: x509.Certificate | None = None
    crl_number: int | None = None
    cached: bool = False  # True when the path/CRL validation came from the outcome cache

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.VALID

    @property
    def message(self) -> str:
        return outcome_message(self.outcome)

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string() if self.certificate else ""

    @property
    def serial(self) -> str:
        return str(self.certificate.serial_number) if self.certificate else ""

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string() if self.certificate else ""


class _Failed(Exception):
    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


@dataclass
class _Parsed:
    signed_data: asn1_cms.SignedData
    certificate: x509.Certificate
    digest_name: str
    mechanism: str
    signature: bytes
    signed_attrs_der: bytes | None
    message_digest: bytes | None


@dataclass(frozen=True)
class _CachedOutcome:
    chain: tuple[x509.Certificate, ...]  # the validated path, leaf first
    crl_numbers: tuple[int, ...]
    outcome: Outcome
    detail: str
    valid_until: datetime.datetime


@dataclass
class _OutcomeCache:
    entries: OrderedDict[bytes, _CachedOutcome] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    misses: int = 0

    def get(self, key: bytes, now: datetime.datetime) -> _CachedOutcome | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or now >= entry.valid_until:
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: bytes, entry: _CachedOutcome) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > _OUTCOME_CACHE_SIZE:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


outcome_cache = _OutcomeCache()


def caches_clear() -> None:
    """Forget cached CRLs, outcomes and the trust store (after the PKI itself changed)."""
    from madoguchi.signatures.selectors import issued_cache_clear
    from madoguchi.signatures.trust import trust_cache

    crl_cache.invalidate()
    outcome_cache.clear()
    trust_cache.invalidate()
    issued_cache_clear()
    _last_parse.value = None
    with _asn1_lock:
        _asn1_memo["store"] = None
        _asn1_crls.clear()


_last_parse = threading.local()


def _parse(cms_der: bytes) -> _Parsed:
    """The parsed signature; the last one of this thread is reused, because a submission asks
    twice (who signed, then verification) and parsing is a fair part of its cost."""
    memo = getattr(_last_parse, "value", None)
    if memo is not None and memo[0] == cms_der:
        return memo[1]  # type: ignore[no-any-return]
    parsed = _parse_uncached(cms_der)
    _last_parse.value = (cms_der, parsed)
    return parsed


def signer_certificate(cms_der: bytes) -> x509.Certificate | None:
    """The certificate a CMS signature names as its signer's (not yet verified: this only says
    who claims to have signed); None when the signature cannot be parsed."""
    try:
        return _parse(cms_der).certificate
    except _Failed:
        return None


def signature_value_sha256(cms_der: bytes) -> str | None:
    """SHA-256 (hex) of the signature value of a CMS signature's one signer: what makes a signed
    envelope unique. Re-encoding the CMS (other certificates, unsigned attributes, another DER
    length form) keeps it; only the signer's key can make another one. Leading zero octets are
    dropped, so the same RSA value written with and without them counts once. None when the
    signature cannot be parsed."""
    try:
        value = _parse(cms_der).signature
    except _Failed:
        return None
    return hashlib.sha256(value.lstrip(b"\x00")).hexdigest()


def _parse_uncached(cms_der: bytes) -> _Parsed:
    try:
        info = asn1_cms.ContentInfo.load(cms_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise _Failed(Outcome.MALFORMED, "ContentInfo is not SignedData")
        signed_data = info["content"]
        if signed_data["encap_content_info"]["content"] is not asn1_core.VOID:
            raise _Failed(Outcome.MALFORMED, "signature is not detached (content embedded)")
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            raise _Failed(Outcome.MALFORMED, f"{len(signer_infos)} signers; exactly 1 expected")
        signer_info = signer_infos[0]
        sid = signer_info["sid"]
        certificate = None
        for choice in signed_data["certificates"] or []:
            candidate = choice.chosen
            if not isinstance(candidate, asn1_x509.Certificate):
                continue
            if sid.name == "issuer_and_serial_number":
                wanted = sid.chosen
                # Serial first, then the issuer's DER bytes (signers copy them from the
                # certificate); asn1crypto's semantic Name comparison runs RFC 4518 string
                # preparation and costs ~4 ms, so it is only the fallback.
                if candidate.serial_number == wanted["serial_number"].native and (
                    candidate["tbs_certificate"]["issuer"].dump() == wanted["issuer"].dump()
                    or candidate.issuer == wanted["issuer"]
                ):
                    certificate = candidate
            elif candidate.key_identifier == sid.chosen.native:
                certificate = candidate
        if certificate is None:
            raise _Failed(Outcome.MALFORMED, "the signer certificate is not included")
        signed_attrs = signer_info["signed_attrs"]
        message_digest = None
        signed_attrs_der = None
        if signed_attrs is not asn1_core.VOID and len(signed_attrs):
            for attribute in signed_attrs:
                if attribute["type"].native == "message_digest":
                    message_digest = attribute["values"][0].native
            if message_digest is None:
                raise _Failed(Outcome.MALFORMED, "signed attributes lack messageDigest")
            # The signature covers the attributes with the universal SET tag, not [0].
            signed_attrs_der = b"\x31" + signed_attrs.dump()[1:]
        return _Parsed(
            signed_data=signed_data,
            certificate=x509.load_der_x509_certificate(certificate.dump()),
            digest_name=signer_info["digest_algorithm"]["algorithm"].native,
            mechanism=signer_info["signature_algorithm"]["algorithm"].native,
            signature=bytes(signer_info["signature"].native),
            signed_attrs_der=signed_attrs_der,
            message_digest=message_digest,
        )
    except _Failed:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        raise _Failed(
            Outcome.MALFORMED, f"cannot parse CMS: {exc.__class__.__name__}: {exc}"
        ) from exc


def _check_algorithms(parsed: _Parsed) -> hashes.HashAlgorithm:
    if parsed.digest_name in _WEAK_DIGESTS or parsed.mechanism in _WEAK_RSA_V15:
        raise _Failed(Outcome.WEAK_DIGEST, f"digest {parsed.digest_name}, {parsed.mechanism}")
    if parsed.digest_name not in _DIGESTS or parsed.mechanism not in _RSA_V15:
        raise _Failed(
            Outcome.UNSUPPORTED_ALGORITHM, f"digest {parsed.digest_name}, {parsed.mechanism}"
        )
    if parsed.mechanism != "rsassa_pkcs1v15" and not parsed.mechanism.startswith(
        parsed.digest_name
    ):
        raise _Failed(
            Outcome.UNSUPPORTED_ALGORITHM, f"{parsed.mechanism} with {parsed.digest_name}"
        )
    key = parsed.certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _Failed(Outcome.UNSUPPORTED_ALGORITHM, f"signer key is {type(key).__name__}")
    if key.key_size < MIN_RSA_BITS:
        raise _Failed(Outcome.WEAK_KEY, f"RSA key of {key.key_size} bits")
    cert_hash = parsed.certificate.signature_hash_algorithm
    if cert_hash is None or cert_hash.name not in _DIGESTS:
        name = cert_hash.name if cert_hash else "none"
        raise _Failed(Outcome.WEAK_DIGEST, f"certificate signed with {name}")
    return _DIGESTS[parsed.digest_name]()


def _check_integrity(parsed: _Parsed, payload: bytes, algorithm: hashes.HashAlgorithm) -> None:
    digest = hashes.Hash(algorithm)
    digest.update(payload)
    payload_digest = digest.finalize()
    if parsed.signed_attrs_der is not None and parsed.message_digest != payload_digest:
        raise _Failed(Outcome.PAYLOAD_MISMATCH, "messageDigest differs from the payload digest")
    key = parsed.certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    signed = parsed.signed_attrs_der if parsed.signed_attrs_der is not None else payload
    try:
        key.verify(parsed.signature, signed, padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        raise _Failed(Outcome.BAD_SIGNATURE, "RSA signature does not verify") from None


def _check_key_usage(certificate: x509.Certificate) -> None:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise _Failed(Outcome.WRONG_KEY_USAGE, "no keyUsage extension") from None
    if not usage.content_commitment:
        raise _Failed(Outcome.WRONG_KEY_USAGE, "keyUsage lacks nonRepudiation")


def _check_period(chain: list[x509.Certificate], moment: datetime.datetime) -> None:
    for position, certificate in enumerate(chain):
        if moment < certificate.not_valid_before_utc:
            outcome = Outcome.NOT_YET_VALID if position == 0 else Outcome.INVALID
            raise _Failed(
                outcome,
                f"{certificate.subject.rfc4514_string()} not valid before "
                f"{certificate.not_valid_before_utc.isoformat()}",
            )
        if moment > certificate.not_valid_after_utc:
            outcome = Outcome.EXPIRED if position == 0 else Outcome.INVALID
            raise _Failed(
                outcome,
                f"{certificate.subject.rfc4514_string()} expired "
                f"{certificate.not_valid_after_utc.isoformat()}",
            )


def _crls_for(chain: list[x509.Certificate], now: datetime.datetime) -> list[CachedCrl]:
    """The CRL of every non-anchor certificate in the path, leaf first."""
    crls = []
    for certificate, issuer in itertools.pairwise(chain):
        urls = crl_distribution_urls(certificate)
        if not urls:
            raise _Failed(
                Outcome.CRL_UNAVAILABLE,
                f"{certificate.subject.rfc4514_string()} has no CRL distribution point",
            )
        try:
            crls.append(crl_cache.get(url=urls[0], issuer=issuer, now=now))
        except CrlProblem as problem:
            raise _Failed(problem.outcome, problem.detail) from problem
    return crls


T = TypeVar("T")


def _run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine from sync code, also when this thread already runs an event loop."""

    async def main() -> T:
        return await factory()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


_ADES_OUTCOMES = {
    "REVOKED_NO_POE": Outcome.REVOKED,
    "REVOKED_CA_NO_POE": Outcome.REVOKED,
    "OUT_OF_BOUNDS_NO_POE": Outcome.EXPIRED,
    "OUT_OF_BOUNDS_NOT_REVOKED": Outcome.EXPIRED,
    "EXPIRED": Outcome.EXPIRED,
    "NOT_YET_VALID": Outcome.NOT_YET_VALID,
    "NO_CERTIFICATE_CHAIN_FOUND": Outcome.UNKNOWN_CA,
    "TRY_LATER": Outcome.CRL_STALE,
    "CRYPTO_CONSTRAINTS_FAILURE": Outcome.WEAK_DIGEST,
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": Outcome.WEAK_DIGEST,
}


# pyhanko's inputs that repeat on every full validation — the trust anchors, the intermediates
# and the CRLs — kept parsed, per trust store and per CRL: asn1crypto memoises the RFC 4518
# string preparation of names on the parsed objects, and re-parsing them for every new
# certificate cost most of a full validation (bench/RESULTS.md, "Drain"). A new trust store (the
# trust cache reloads after a PKI change) or a new CRL (another DER) misses and is parsed once.
# These objects are shared by every thread of the process, and asn1crypto parses lazily: a
# sequence fills its list of children in place on first access, so a second thread reading it
# meanwhile saw a half-filled list ("No field numbered 2 is present in this Extension"). They
# are parsed whole, under the lock, before any thread sees them.
_asn1_memo: dict[str, Any] = {"store": None, "certificates": ((), ())}
_asn1_crls: OrderedDict[bytes, Any] = OrderedDict()
_asn1_lock = threading.Lock()


def _parsed_whole(value: Any) -> Any:
    """The asn1crypto value with every child parsed (reading .native parses it recursively)."""
    value.native  # noqa: B018 - read for its side effect: the whole tree is parsed
    return value


def _asn1_store(store: TrustStore) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    with _asn1_lock:
        if _asn1_memo["store"] is not store:

            def asn1(certificate: x509.Certificate) -> Any:
                return _parsed_whole(asn1_x509.Certificate.load(certificate.public_bytes(_DER)))

            _asn1_memo["certificates"] = (
                tuple(asn1(c) for c in store.anchors),
                tuple(asn1(c) for c in store.intermediates),
            )
            _asn1_memo["store"] = store
        certificates: tuple[tuple[Any, ...], tuple[Any, ...]] = _asn1_memo["certificates"]
        return certificates


def _asn1_crl(der: bytes) -> Any:
    with _asn1_lock:
        parsed = _asn1_crls.get(der)
        if parsed is None:
            parsed = _asn1_crls[der] = _parsed_whole(asn1_crl.CertificateList.load(der))
            while len(_asn1_crls) > 64:
                _asn1_crls.popitem(last=False)
        return parsed


def _pyhanko_validate(
    *,
    payload: bytes,
    parsed: _Parsed,
    store: TrustStore,
    crls: list[CachedCrl],
    moment: datetime.datetime,
) -> tuple[Outcome, str]:
    pyhanko_ready()  # pyhanko's ASN.1 classes set up once, before threads race for them
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    anchors, intermediates = _asn1_store(store)
    context = ValidationContext(
        trust_roots=list(anchors),
        other_certs=list(intermediates),
        crls=[_asn1_crl(crl.der) for crl in crls],
        allow_fetching=False,
        revocation_mode="require",
        moment=moment,
        weak_hash_algos={"md2", "md5", "sha1"},
    )
    status = _run(
        lambda: async_validate_detached_cms(
            payload,
            parsed.signed_data,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(key_usage={"non_repudiation"}),
        )
    )
    if not status.intact:
        return Outcome.PAYLOAD_MISMATCH, "pyhanko: digest mismatch"
    if not status.valid:
        return Outcome.BAD_SIGNATURE, "pyhanko: signature invalid"
    indication = status.trust_problem_indic
    if indication is None and status.bottom_line:
        return Outcome.VALID, ""
    name = getattr(indication, "name", str(indication))
    return _ADES_OUTCOMES.get(name, Outcome.INVALID), f"pyhanko: {name}"


def signature_verify(
    *, payload: bytes, cms_der: bytes, moment: datetime.datetime | None = None
) -> VerificationResult:
    """Verify a detached CMS signature over `payload` at `moment` (default: now).

    Never raises for bad input: every failure is a result with its own outcome code.
    """
    now = timezone.now()
    moment = moment or now
    certificate: x509.Certificate | None = None
    crl_number: int | None = None
    try:
        parsed = _parse(cms_der)
        certificate = parsed.certificate
        algorithm = _check_algorithms(parsed)
        _check_integrity(parsed, payload, algorithm)
        _check_key_usage(certificate)
        key = hashlib.sha256(certificate.public_bytes(_DER)).digest()
        cached = outcome_cache.get(key, moment)
        if cached is not None:
            # Same certificate bytes as an earlier full validation: the path is known, only
            # the validity period and the CRL numbers can have changed since.
            known_chain = list(cached.chain)
            _check_period(known_chain, moment)
            crls = _crls_for(known_chain, now)
            crl_number = crls[0].number if crls else None
            if tuple(crl.number for crl in crls) == cached.crl_numbers:
                outcome_cache.hits += 1
                return VerificationResult(
                    outcome=cached.outcome,
                    verified_at=now,
                    detail=cached.detail,
                    certificate=certificate,
                    crl_number=crl_number,
                    cached=True,
                )
        outcome_cache.misses += 1
        store = trust_store()
        chain = store.chain(certificate)
        if chain is None:
            raise _Failed(
                Outcome.UNKNOWN_CA,
                f"no path from {certificate.issuer.rfc4514_string()} to a configured trust anchor",
            )
        _check_period(chain, moment)
        crls = _crls_for(chain, now)
        crl_number = crls[0].number if crls else None
        numbers = tuple(crl.number for crl in crls)
        outcome, detail = _pyhanko_validate(
            payload=payload, parsed=parsed, store=store, crls=crls, moment=moment
        )
        if outcome in (Outcome.VALID, Outcome.REVOKED):
            valid_until = min(
                [crl.next_update for crl in crls] + [c.not_valid_after_utc for c in chain]
            )
            outcome_cache.put(
                key, _CachedOutcome(tuple(chain), numbers, outcome, detail, valid_until)
            )
        return VerificationResult(
            outcome=outcome,
            verified_at=now,
            detail=detail,
            certificate=certificate,
            crl_number=crl_number,
        )
    except _Failed as failure:
        return VerificationResult(
            outcome=failure.outcome,
            verified_at=now,
            detail=failure.detail,
            certificate=certificate,
            crl_number=crl_number,
        )
