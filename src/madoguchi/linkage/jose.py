"""Signed messages of the hub: compact JWS (RFC 7515) with Ed25519 (RFC 9864 "Ed25519"), by
joserfc. Every message is a JWT claims set with `iss`, `aud`, `jti`, `iat` and a short `exp`;
the verifier pins the algorithm, the issuer's key and the audience."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

ALGORITHM = "Ed25519"
LIFETIME_SECONDS = 120
# The media type of a compact JWS body (HTTP holder contract).
MEDIA_TYPE = "application/jose"


class BadSignature(Exception):
    """The message is not signed by the expected key, is expired, or is malformed."""


def key_generate() -> tuple[dict[str, Any], dict[str, Any]]:
    """A new Ed25519 key pair as (public JWK, private JWK)."""
    key = OKPKey.generate_key("Ed25519", private=True)
    return dict(key.as_dict(private=False)), dict(key.as_dict(private=True))


def sign(*, claims: dict[str, Any], private_jwk: dict[str, Any], issuer: str) -> str:
    now = int(time.time())
    body = {
        "iss": issuer,
        "iat": now,
        "exp": now + LIFETIME_SECONDS,
        "jti": claims.get("jti") or uuid.uuid4().hex,
        **claims,
    }
    key = OKPKey.import_key(private_jwk)
    return jwt.encode({"alg": ALGORITHM, "typ": "JWT", "kid": issuer}, body, key, [ALGORITHM])


def unverified_issuer(token: str) -> str:
    """The `kid` header (the issuing agency) to choose the key with; nothing else is trusted
    before the signature is checked."""
    try:
        from joserfc.jws import extract_compact

        header = extract_compact(token.encode()).protected
    except (JoseError, ValueError, TypeError) as error:
        raise BadSignature(str(error)) from error
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise BadSignature("no kid")
    return kid


def verify(*, token: str, public_jwk: dict[str, Any], issuer: str, audience: str) -> dict[str, Any]:
    """The claims of a message signed by `issuer` for `audience` and not expired."""
    try:
        key = OKPKey.import_key(public_jwk)
        decoded = jwt.decode(token, key, [ALGORITHM])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            jti={"essential": True},
            leeway=5,
        ).validate(decoded.claims)
    except (JoseError, ValueError, TypeError) as error:
        raise BadSignature(str(error)) from error
    return dict(decoded.claims)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
