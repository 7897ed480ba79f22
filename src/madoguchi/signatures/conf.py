"""Settings of the signatures app, read lazily so tests can override them with `settings`.

Every value has a safe development default; production installations point the trust anchors at
the real JPKI roots (a PEM file) and use the HTTP CRL fetcher.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.conf import settings

from madoguchi.core.env import env_int, env_secret, env_str


def pki_base_url() -> str:
    """Public URL prefix of this platform's /pki/ endpoints, written into certificates as the CRL
    distribution point. Certificates keep the URL they were issued with."""
    default = env_str("SIGNATURES_PKI_BASE_URL", "http://127.0.0.1:8000/pki/")
    base: str = getattr(settings, "SIGNATURES_PKI_BASE_URL", default)
    return base if base.endswith("/") else base + "/"


def crl_lifetime() -> datetime.timedelta:
    """nextUpdate − thisUpdate of the CRLs this platform publishes (JPKI publishes daily)."""
    hours = getattr(
        settings, "SIGNATURES_CRL_LIFETIME_HOURS", env_int("SIGNATURES_CRL_LIFETIME_HOURS", 24)
    )
    return datetime.timedelta(hours=int(hours))


def crl_max_age() -> datetime.timedelta:
    """How long a verifier trusts a cached CRL before asking again, even if its nextUpdate is
    later: a revocation becomes visible within this time."""
    seconds = getattr(settings, "SIGNATURES_CRL_MAX_AGE", env_int("SIGNATURES_CRL_MAX_AGE", 300))
    return datetime.timedelta(seconds=int(seconds))


def crl_fetch_timeout() -> float:
    return float(getattr(settings, "SIGNATURES_CRL_FETCH_TIMEOUT", 5.0))


def crl_fetcher_name() -> str:
    """'platform' answers this platform's own CRL URLs from the database (the same bytes the HTTP
    endpoint serves, without a request to ourselves) and fetches others over HTTP; 'http' always
    fetches over HTTP. Development and tests default to 'platform', production to 'http'."""
    default = "platform" if settings.IS_DEVELOPMENT else "http"
    name: str = getattr(
        settings, "SIGNATURES_CRL_FETCHER", env_str("SIGNATURES_CRL_FETCHER", default)
    )
    return name


def trust_anchors_file() -> Path | None:
    """A PEM bundle of trust anchors (e.g. the JPKI roots). Unset: the development root CA in the
    database is the only anchor."""
    raw = getattr(
        settings, "SIGNATURES_TRUST_ANCHORS_FILE", env_str("SIGNATURES_TRUST_ANCHORS_FILE", "")
    )
    return Path(raw) if raw else None


def intermediates_file() -> Path | None:
    raw = getattr(
        settings, "SIGNATURES_INTERMEDIATES_FILE", env_str("SIGNATURES_INTERMEDIATES_FILE", "")
    )
    return Path(raw) if raw else None


def trust_cache_seconds() -> int:
    return int(getattr(settings, "SIGNATURES_TRUST_CACHE_SECONDS", 60))


def key_encryption_key() -> bytes:
    """32-byte key that wraps the private keys stored in the database (AES-256-GCM).

    SIGNATURES_KEY_ENCRYPTION_KEY (or its *_FILE) keeps it apart from SECRET_KEY; without it the
    key is derived from SECRET_KEY, so rotating SECRET_KEY makes the development PKI unreadable
    (re-create it with `pki_setup_demo --reset`)."""
    secret = env_secret("SIGNATURES_KEY_ENCRYPTION_KEY", "") or str(settings.SECRET_KEY)
    secret = getattr(settings, "SIGNATURES_KEY_ENCRYPTION_KEY", secret)
    return hashlib.sha256(b"madoguchi.signatures.kek/1\x00" + secret.encode()).digest()


def reuse_test_keys() -> bool:
    """RSA-2048 key generation takes ~50-100 ms; under MADOGUCHI_ENV=test keys are memoised per
    process by their role, so every test that builds the demo PKI does not pay for ~27 keys.
    Never in development or production."""
    return bool(getattr(settings, "SIGNATURES_REUSE_TEST_KEYS", settings.ENVIRONMENT == "test"))
