"""Settings of the reception app: Django settings first, then the environment, then defaults."""

from __future__ import annotations

from django.conf import settings

from madoguchi.core.env import env_int


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, env_int(name, default)))


def inbox_page_size() -> int:
    return _setting("RECEPTION_INBOX_PAGE_SIZE", 50)


def api_page_size() -> int:
    return _setting("RECEPTION_API_PAGE_SIZE", 50)


def api_max_page_size() -> int:
    return 200


def export_chunk_size() -> int:
    """Rows fetched per database round trip while streaming an export (memory stays flat)."""
    return _setting("RECEPTION_EXPORT_CHUNK", 1000)


def webhook_max_attempts() -> int:
    return _setting("RECEPTION_WEBHOOK_MAX_ATTEMPTS", 10)


def webhook_timeout_seconds() -> int:
    return _setting("RECEPTION_WEBHOOK_TIMEOUT", 10)


def webhook_backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min, … capped at 6 h: a receiver that is down for a night catches up."""
    return int(min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))
