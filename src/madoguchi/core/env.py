"""Typed readers for settings that come from the environment.

Each helper fails loudly on a value it cannot parse: a typo in production configuration must stop
the process at start-up, not surface later as a silently different behaviour.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str) -> str:
    """Read a secret from NAME, or from the file that NAME_FILE points to.

    The *_FILE form is how Docker/Kubernetes secrets and systemd credentials are mounted; it keeps
    secrets out of the process environment and `ps` output. Setting both is ambiguous and refused.
    """
    file_var = f"{name}_FILE"
    direct = os.environ.get(name)
    path = os.environ.get(file_var)
    if direct is not None and path is not None:
        raise ImproperlyConfigured(f"Set either {name} or {file_var}, not both")
    if path is not None:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{file_var}: cannot read {path}: {exc}") from exc
    if direct is not None:
        return direct
    return default
