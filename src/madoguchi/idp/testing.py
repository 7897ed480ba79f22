"""Helpers for tests that exercise the development IdP (here and in other apps' tests)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from madoguchi.idp import services

TEST_CLIENT_ID = "madoguchi-test"
TEST_CLIENT_SECRET = "madoguchi-test-secret"  # noqa: S105


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str


def pkce_pair() -> Pkce:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return Pkce(verifier=verifier, challenge=challenge)


def register_client(*, redirect_uris: list[str], trusted: bool = True) -> None:
    services.idp_client_register(
        client_id=TEST_CLIENT_ID,
        client_secret=TEST_CLIENT_SECRET,
        redirect_uris=redirect_uris,
        name="Test service",
        trusted=trusted,
    )


def authorize_query(
    *, redirect_uri: str, pkce: Pkce | None, state: str = "st", nonce: str = "nn", **extra: Any
) -> str:
    params: dict[str, Any] = {
        "response_type": "code",
        "client_id": TEST_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid name address birthdate gender",
        "state": state,
        "nonce": nonce,
    }
    if pkce is not None:
        params.update(code_challenge=pkce.challenge, code_challenge_method="S256")
    params.update(extra)
    return urlencode(params)
