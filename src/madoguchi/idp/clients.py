"""Clients that belong to another authorization server on this platform.

django-oauth-toolkit keeps one table of clients (`oauth2_provider.Application`) and one of
tokens for the whole project, and the self-information API (`selfinfo`, a higher app) runs its
own authorization server on the same tables. The development IdP must never serve those
clients (no sign-in, no code, no token, no userinfo) — a private service registered for one
data category must not get the resident's name and address from the IdP. The owner of such
clients registers a check here in its `AppConfig.ready()`; the IdP's validator asks it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ForeignClientCheck = Callable[[Any], bool]

_checks: list[ForeignClientCheck] = []


def foreign_client_check_register(check: ForeignClientCheck) -> None:
    """`check(application)` is true when the application belongs to another server."""
    if check not in _checks:
        _checks.append(check)


def is_foreign_client(application: Any) -> bool:
    return application is not None and any(check(application) for check in _checks)
