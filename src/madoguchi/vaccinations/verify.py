"""Verifying a scanned card offline: the public verify page and `manage.py vaccinations_verify`.

The keys are the issuer's JWKS: by default the platform's own (what it publishes at
`<iss>/.well-known/jwks.json`, read from the database — no network), or a JWKS file saved from an
issuer. An issuer the platform does not know is not trusted.
"""

from __future__ import annotations

import re
from typing import Any

from . import selectors, services, shc

_ISSUER_PATH = re.compile(r"/vaccinations/issuers/(\d{6})$")


def trusted_jwks(issuer: str) -> dict[str, Any] | None:
    match = _ISSUER_PATH.search(issuer)
    if match is None:
        return None
    code = match.group(1)
    if services.issuer_url(municipality_code=code) != issuer:
        return None
    return selectors.jwks_for(municipality_code=code)


def verify_text(text: str, *, jwks: dict[str, Any] | None = None) -> shc.Verification:
    """Verify an `shc:/` string (what a QR scanner reads) or a bare compact JWS."""
    text = text.strip()
    try:
        token = shc.from_numeric(text) if text.startswith(shc.PREFIX) else text
        _header, payload = shc.peek(token)
    except Exception:
        return shc.Verification(valid=False, problem="format")
    keys = jwks if jwks is not None else trusted_jwks(str(payload.get("iss", "")))
    if keys is None:
        return shc.Verification(valid=False, problem="issuer", issuer=str(payload.get("iss", "")))
    return shc.verify(token, keys)


def verify_image(data: bytes, *, jwks: dict[str, Any] | None = None) -> shc.Verification:
    try:
        texts = shc.qr_decode_image(data)
    except ValueError:
        return shc.Verification(valid=False, problem="image")
    cards = [text for text in texts if text.startswith(shc.PREFIX)]
    if not cards:
        return shc.Verification(valid=False, problem="no-qr")
    return verify_text(cards[0], jwks=jwks)
