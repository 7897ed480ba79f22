"""Settings of the public API, read lazily (tests override them with `settings`).

API_DEFAULT_RATE              rate limit of a new client (default 600/minute)
API_KEY_CACHE_SECONDS         how long a process trusts a key lookup (default 5); a revocation
                              takes effect everywhere within this time, at once in the
                              process that revoked it
API_RESIDENT_TOKEN_CACHE_SECONDS  how long a validated resident access token is reused
                              before asking the issuer's userinfo endpoint again (default 60)
API_TEST_MUNICIPALITIES       comma-separated codes a test key may reach (131016,130001)
API_SIGNED_AT_MAX_AGE_HOURS   how old a signature's signed_at may be (default 24)
API_MAX_REQUEST_BYTES         largest API request body, JSON (default 8 MiB; larger → 413)
API_MAX_UPLOAD_BYTES          largest multipart upload to …/attachments (default 11 MiB: one
                              file of the forms' default maximum, 10 MiB, with its envelope)
"""

from __future__ import annotations

import datetime

from django.conf import settings

from madoguchi.core.env import env_int, env_list, env_str


def default_rate() -> str:
    value: str = getattr(settings, "API_DEFAULT_RATE", env_str("API_DEFAULT_RATE", "600/minute"))
    return value


def key_cache_seconds() -> float:
    return float(getattr(settings, "API_KEY_CACHE_SECONDS", env_int("API_KEY_CACHE_SECONDS", 5)))


def resident_token_cache_seconds() -> float:
    return float(
        getattr(
            settings,
            "API_RESIDENT_TOKEN_CACHE_SECONDS",
            env_int("API_RESIDENT_TOKEN_CACHE_SECONDS", 60),
        )
    )


def test_municipalities() -> frozenset[str]:
    codes = getattr(
        settings,
        "API_TEST_MUNICIPALITIES",
        env_list("API_TEST_MUNICIPALITIES", ["131016", "130001"]),
    )
    return frozenset(str(code) for code in codes)


def signed_at_max_age() -> datetime.timedelta:
    hours = getattr(
        settings, "API_SIGNED_AT_MAX_AGE_HOURS", env_int("API_SIGNED_AT_MAX_AGE_HOURS", 24)
    )
    return datetime.timedelta(hours=int(hours))


def max_request_bytes() -> int:
    value = getattr(
        settings, "API_MAX_REQUEST_BYTES", env_int("API_MAX_REQUEST_BYTES", 8 * 1024 * 1024)
    )
    return int(value)


def max_upload_bytes() -> int:
    value = getattr(
        settings, "API_MAX_UPLOAD_BYTES", env_int("API_MAX_UPLOAD_BYTES", 11 * 1024 * 1024)
    )
    return int(value)


def max_drain_bytes() -> int:
    """How much of a refused body is read and thrown away so that the client gets the 413."""
    return 64 * 1024 * 1024


# A client's clock may run a little ahead of ours.
SIGNED_AT_CLOCK_SKEW = datetime.timedelta(minutes=5)


def webhook_max_attempts() -> int:
    """Tries of one portal webhook delivery before it is given up (API_WEBHOOK_MAX_ATTEMPTS)."""
    return int(
        getattr(settings, "API_WEBHOOK_MAX_ATTEMPTS", env_int("API_WEBHOOK_MAX_ATTEMPTS", 10))
    )


def webhook_timeout_seconds() -> float:
    return float(getattr(settings, "API_WEBHOOK_TIMEOUT", env_int("API_WEBHOOK_TIMEOUT", 10)))


def webhook_backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min, … capped at 6 h (10 tries span about 4 h)."""
    return int(min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))
