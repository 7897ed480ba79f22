"""API key format, hashing and the per-process lookup cache.

A key looks like ``mdg_test_<43 url-safe characters>`` (or ``mdg_live_…``): the mode is visible
to a developer reading a configuration file, and secret scanners can match the prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from madoguchi.api import conf
from madoguchi.api.models import ApiKey, Mode

KEY_PREFIX = "mdg_"
_PREFIX_SHOWN = 16  # "mdg_test_" + 7 characters of the random part


@dataclass(frozen=True)
class Credential:
    """Who is calling: what a request carries after its key was accepted (request.auth)."""

    key_pk: int
    client_pk: int
    client_id: str
    mode: str
    scopes: frozenset[str]
    rate: str
    reception_municipality_codes: frozenset[str]

    @property
    def is_test(self) -> bool:
        return self.mode == Mode.TEST


def key_new(mode: str) -> str:
    return f"{KEY_PREFIX}{mode}_{secrets.token_urlsafe(32)}"


def key_demo(mode: str = Mode.TEST) -> str:
    """The demo client's key, derived from SECRET_KEY: the same on every run of
    `api_demo_key`, so a developer's MADOGUCHI_API_KEY keeps working."""
    secret = hmac.new(
        str(settings.SECRET_KEY).encode(), b"madoguchi.api.demo-key/1", hashlib.sha256
    ).digest()
    import base64

    return f"{KEY_PREFIX}{mode}_{base64.urlsafe_b64encode(secret).decode().rstrip('=')}"


def key_sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def key_prefix(raw: str) -> str:
    return raw[:_PREFIX_SHOWN]


class _CredentialCache:
    """sha256 → (expires, Credential | None). Unknown keys are remembered too, so a client with
    a wrong key does not cost a query per request."""

    max_entries = 10_000

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Credential | None]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> tuple[bool, Credential | None]:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None or entry[0] <= now:
                return False, None
            return True, entry[1]

    def put(self, digest: str, credential: Credential | None) -> None:
        ttl = conf.key_cache_seconds()
        if ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[digest] = (time.monotonic() + ttl, credential)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


credential_cache = _CredentialCache()


def credential_for(raw: str) -> Credential | None:
    """The credential of an active key of an active client, or None. One query on a cache miss."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 128:
        return None
    digest = key_sha256(raw)
    found, credential = credential_cache.get(digest)
    if found:
        return credential
    key = (
        ApiKey.objects.select_related("client")
        .filter(key_sha256=digest, revoked_at__isnull=True, client__is_active=True)
        .first()
    )
    if key is not None:
        client = key.client
        credential = Credential(
            key_pk=key.pk,
            client_pk=client.pk,
            client_id=client.client_id,
            mode=key.mode,
            scopes=frozenset(client.scopes),
            rate=client.rate,
            reception_municipality_codes=frozenset(client.reception_municipality_codes),
        )
    credential_cache.put(digest, credential)
    return credential
