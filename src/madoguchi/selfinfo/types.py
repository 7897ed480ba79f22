"""Types other apps may use: the self-information scopes (one per data category) and the
errors of a fetch."""

from __future__ import annotations

from madoguchi.linkage.types import Category

# One OAuth scope per data category the holders provide (linkage.types.Category).
SCOPE_PREFIX = "selfinfo:"
SCOPES: dict[str, str] = {f"{SCOPE_PREFIX}{value}": value for value in Category.values}


def scope_for(category: str) -> str:
    return f"{SCOPE_PREFIX}{category}"


def category_for(scope: str) -> str | None:
    return SCOPES.get(scope)


class TokenRefused(Exception):
    """The bearer token is missing, unknown, expired, revoked or not a self-information token."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ScopeMissing(Exception):
    """The token (or the resident's consent) does not cover the asked category."""

    def __init__(self, message: str, *, scope: str) -> None:
        super().__init__(message)
        self.message = message
        self.scope = scope
