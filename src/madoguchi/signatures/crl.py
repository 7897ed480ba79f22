"""Fetching, checking and caching CRLs for verification.

Freshness policy: a cached CRL is used while `now < nextUpdate` and it is younger than
`conf.crl_max_age()`; otherwise it is fetched again. A fetch failure falls back to the cached CRL
only while that one is still before its nextUpdate. A CRL that cannot be fetched is CRL_UNAVAILABLE,
one past its nextUpdate is CRL_STALE — both refuse the signature, neither passes it silently.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from madoguchi.signatures import conf
from madoguchi.signatures.outcomes import Outcome


class CrlFetchError(Exception):
    pass


class CrlProblem(Exception):
    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


class CrlFetcher(Protocol):
    def fetch(self, url: str) -> bytes:
        """The DER CRL at `url`; raise CrlFetchError when it cannot be had."""
        ...


class HttpCrlFetcher:
    """Plain HTTP(S) GET. `rewrite` maps a distribution-point URL to where it is really served
    (tests point this platform's URLs at live_server)."""

    def __init__(
        self, *, timeout: float | None = None, rewrite: Callable[[str], str] | None = None
    ) -> None:
        self.timeout = timeout if timeout is not None else conf.crl_fetch_timeout()
        self.rewrite = rewrite

    def fetch(self, url: str) -> bytes:
        target = self.rewrite(url) if self.rewrite else url
        if not target.startswith(("http://", "https://")):
            raise CrlFetchError(f"unsupported CRL URL scheme: {target}")
        try:
            response = httpx.get(target, timeout=self.timeout, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise CrlFetchError(f"GET {target}: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code != 200:
            raise CrlFetchError(f"GET {target}: HTTP {response.status_code}")
        return response.content


# SIGNATURES_CRL_FETCHER names one of these. "platform" (this platform's own CRLs, read from the
# database) needs the services module, which imports this one: it is registered in
# SignaturesConfig.ready() through fetcher_register, not listed here.
FETCHERS: dict[str, Callable[[], CrlFetcher]] = {
    "http": HttpCrlFetcher,
}


def fetcher_register(name: str, factory: Callable[[], CrlFetcher]) -> None:
    FETCHERS[name] = factory


@dataclass(frozen=True)
class CachedCrl:
    url: str
    der: bytes
    number: int
    this_update: datetime.datetime
    next_update: datetime.datetime
    fetched_at: datetime.datetime
    crl: x509.CertificateRevocationList

    def revoked(self, serial: int) -> x509.RevokedCertificate | None:
        return self.crl.get_revoked_certificate_by_serial_number(serial)


def crl_distribution_urls(certificate: x509.Certificate) -> list[str]:
    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [
        name.value
        for point in points
        for name in (point.full_name or [])
        if isinstance(name, x509.UniformResourceIdentifier)
    ]


def _parse(url: str, der: bytes, issuer: x509.Certificate, now: datetime.datetime) -> CachedCrl:
    try:
        crl = x509.load_der_x509_crl(der)
    except ValueError as exc:
        raise CrlProblem(Outcome.CRL_UNAVAILABLE, f"{url}: not a DER CRL ({exc})") from exc
    issuer_key = issuer.public_key()
    if crl.issuer != issuer.subject or not isinstance(issuer_key, rsa.RSAPublicKey):
        raise CrlProblem(Outcome.CRL_UNAVAILABLE, f"{url}: CRL issuer is not {issuer.subject}")
    if not crl.is_signature_valid(issuer_key):
        raise CrlProblem(Outcome.CRL_UNAVAILABLE, f"{url}: CRL signature does not verify")
    next_update = crl.next_update_utc
    if next_update is None:
        raise CrlProblem(Outcome.CRL_STALE, f"{url}: CRL has no nextUpdate")
    try:
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        number = 0
    return CachedCrl(
        url=url,
        der=der,
        number=number,
        this_update=crl.last_update_utc,
        next_update=next_update,
        fetched_at=now,
        crl=crl,
    )


class CrlCache:
    """Process-wide cache of verified CRLs, keyed by distribution-point URL."""

    def __init__(self) -> None:
        self._entries: dict[str, CachedCrl] = {}
        self._lock = threading.Lock()
        self._url_locks: dict[str, threading.Lock] = {}
        self._fetcher: CrlFetcher | None = None
        self.fetches = 0  # for tests and the benchmark

    def set_fetcher(self, fetcher: CrlFetcher | None) -> None:
        """Inject a fetcher (tests); None returns to the configured one."""
        with self._lock:
            self._fetcher = fetcher
            self._entries.clear()

    def fetcher(self) -> CrlFetcher:
        if self._fetcher is not None:
            return self._fetcher
        name = conf.crl_fetcher_name()
        try:
            return FETCHERS[name]()
        except KeyError:
            raise LookupError(
                f"SIGNATURES_CRL_FETCHER={name!r}; known: {sorted(FETCHERS)}"
            ) from None

    def invalidate(self, url: str | None = None) -> None:
        with self._lock:
            if url is None:
                self._entries.clear()
            else:
                self._entries.pop(url, None)

    def _usable(self, entry: CachedCrl | None, now: datetime.datetime) -> bool:
        return (
            entry is not None
            and now < entry.next_update
            and now - entry.fetched_at < conf.crl_max_age()
        )

    def get(self, *, url: str, issuer: x509.Certificate, now: datetime.datetime) -> CachedCrl:
        entry = self._entries.get(url)
        if self._usable(entry, now):
            assert entry is not None
            return entry
        with self._lock:
            url_lock = self._url_locks.setdefault(url, threading.Lock())
        # One fetch per URL at a time: a burst of submissions after expiry costs one request.
        with url_lock:
            entry = self._entries.get(url)
            if self._usable(entry, now):
                assert entry is not None
                return entry
            try:
                der = self.fetcher().fetch(url)
                self.fetches += 1
            except CrlFetchError as exc:
                if entry is not None and now < entry.next_update:
                    return entry
                raise CrlProblem(Outcome.CRL_UNAVAILABLE, str(exc)) from exc
            fresh = _parse(url, der, issuer, now)
            if now >= fresh.next_update:
                raise CrlProblem(
                    Outcome.CRL_STALE,
                    f"{url}: nextUpdate {fresh.next_update.isoformat()} has passed",
                )
            with self._lock:
                self._entries[url] = fresh
            return fresh


crl_cache = CrlCache()
