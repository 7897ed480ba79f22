"""Settings of the resident application flow (read from Django settings, then the environment)."""

from __future__ import annotations

from django.conf import settings

from madoguchi.core.env import env_int


def upload_max_bytes() -> int:
    """A ceiling on any one uploaded file, whatever a form allows (the form's own max_size
    applies below it)."""
    return int(
        getattr(settings, "APPLY_UPLOAD_MAX_BYTES", env_int("APPLY_UPLOAD_MAX_BYTES", 20 << 20))
    )
