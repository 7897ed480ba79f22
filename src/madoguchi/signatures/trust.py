"""The trust anchors and intermediate CAs a verification may build a path through.

Configured by PEM files (SIGNATURES_TRUST_ANCHORS_FILE, SIGNATURES_INTERMEDIATES_FILE) for a real
PKI; otherwise the development hierarchy in the database. Certificates carried inside a CMS
signature are never trusted as anchors.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from madoguchi.signatures import conf


@dataclass(frozen=True)
class TrustStore:
    anchors: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    _by_subject: dict[bytes, list[x509.Certificate]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for certificate in (*self.anchors, *self.intermediates):
            self._by_subject.setdefault(certificate.subject.public_bytes(), []).append(certificate)

    def is_anchor(self, certificate: x509.Certificate) -> bool:
        return certificate in self.anchors

    def issuer_of(self, certificate: x509.Certificate) -> x509.Certificate | None:
        """The known CA whose key verifies `certificate`'s signature, if any."""
        for candidate in self._by_subject.get(certificate.issuer.public_bytes(), []):
            try:
                certificate.verify_directly_issued_by(candidate)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return candidate
        return None

    def chain(self, certificate: x509.Certificate) -> list[x509.Certificate] | None:
        """[certificate, issuer, ..., anchor], or None when no path reaches an anchor."""
        path = [certificate]
        current = certificate
        for _ in range(8):
            if self.is_anchor(current):
                return path
            issuer = self.issuer_of(current)
            if issuer is None or (issuer in path and not self.is_anchor(issuer)):
                return None
            path.append(issuer)
            if self.is_anchor(issuer):
                return path
            current = issuer
        return None


def _load_pem_file(path: Path) -> tuple[x509.Certificate, ...]:
    return tuple(x509.load_pem_x509_certificates(path.read_bytes()))


def _load() -> TrustStore:
    anchors_file = conf.trust_anchors_file()
    if anchors_file is not None:
        intermediates_file = conf.intermediates_file()
        return TrustStore(
            anchors=_load_pem_file(anchors_file),
            intermediates=_load_pem_file(intermediates_file) if intermediates_file else (),
        )
    from madoguchi.signatures.selectors import development_trust_certificates

    anchors, intermediates = development_trust_certificates()
    return TrustStore(anchors=tuple(anchors), intermediates=tuple(intermediates))


class _TrustCache:
    def __init__(self) -> None:
        self._store: TrustStore | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> TrustStore:
        store = self._store
        if store is not None and time.monotonic() - self._loaded_at < conf.trust_cache_seconds():
            return store
        with self._lock:
            self._store, self._loaded_at = _load(), time.monotonic()
            return self._store

    def invalidate(self) -> None:
        with self._lock:
            self._store = None


trust_cache = _TrustCache()


def trust_store() -> TrustStore:
    return trust_cache.get()
