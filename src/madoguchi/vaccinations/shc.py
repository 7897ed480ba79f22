"""SMART Health Cards (https://spec.smarthealth.cards/): build, encode as a QR, decode, verify.

A card is a compact JWS (ES256, `zip: DEF`, `kid` = the key's RFC 7638 thumbprint) whose payload
is the minified JSON credential compressed with raw DEFLATE (wbits -15). As a QR it is one
`shc:/` + numeric chunk: every character of the JWS becomes two digits (its code point − 45),
in two segments — `shc:/` in byte mode, the digits in numeric mode — at error correction L.

Verification needs no network: the caller hands the issuer's JWKS (the platform's own keys,
or a file saved from `<iss>/.well-known/jwks.json`).
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

import segno
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from joserfc.registry import HeaderParameter, is_str
from segno import consts as segno_consts

PREFIX = "shc:/"
# The JWS header SMART Health Cards use: `zip` is a JWE parameter the JWS registry lacks.
_REGISTRY = jws.JWSRegistry(
    header_registry={"zip": HeaderParameter("Compression algorithm", is_str)},
    algorithms=["ES256"],
)
_NUMERIC = re.compile(r"shc:/(\d+)")
CREDENTIAL_TYPES = [
    "https://smarthealth.cards#health-card",
    "https://smarthealth.cards#immunization",
    "https://smarthealth.cards#covid19",
]
CVX = "http://hl7.org/fhir/sid/cvx"


def key_generate() -> ECKey:
    return ECKey.generate_key("P-256", private=True)


def public_jwk(key: ECKey) -> dict[str, Any]:
    """The JWK a JWKS publishes: public only, with use, alg and kid (the thumbprint)."""
    return {**key.as_dict(private=False), "use": "sig", "alg": "ES256", "kid": key.thumbprint()}


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def inflate(data: bytes) -> bytes:
    decompressor = zlib.decompressobj(-15)
    out = decompressor.decompress(data, 1 << 20)
    if decompressor.unconsumed_tail:
        raise ValueError("payload too large")
    return out


def sign(payload: dict[str, Any], key: ECKey) -> str:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    header = {"alg": "ES256", "zip": "DEF", "kid": key.thumbprint()}
    return jws.serialize_compact(header, deflate(body), key, registry=_REGISTRY)


def to_numeric(token: str) -> str:
    return PREFIX + "".join(f"{ord(char) - 45:02d}" for char in token)


def from_numeric(text: str) -> str:
    """The JWS in an `shc:/` string (whitespace around it ignored). ValueError if malformed."""
    match = _NUMERIC.fullmatch(text.strip())
    if match is None or len(match.group(1)) % 2:
        raise ValueError("not a single-chunk shc:/ numeric string")
    digits = match.group(1)
    return "".join(chr(int(digits[i : i + 2]) + 45) for i in range(0, len(digits), 2))


def qr_code(token: str) -> segno.QRCode:
    numeric = to_numeric(token)[len(PREFIX) :]
    # segno takes a segment's mode as its QR mode indicator (a list of (text, mode) tuples).
    segments = [(PREFIX, segno_consts.MODE_BYTE), (numeric, segno_consts.MODE_NUMERIC)]
    return segno.make_qr(segments, error="l", boost_error=False)  # type: ignore[arg-type]


def qr_svg(token: str) -> bytes:
    out = io.BytesIO()
    qr_code(token).save(
        out, kind="svg", scale=4, border=4, xmldecl=False, title="SMART Health Card"
    )
    return out.getvalue()


def qr_png_data_uri(token: str, *, scale: int = 6) -> str:
    return str(qr_code(token).png_data_uri(scale=scale, border=4))


def qr_decode_image(data: bytes) -> list[str]:
    """The texts of the QR codes in an image (PNG, JPEG, …), by zxing-cpp."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ValueError("not an image") from error
    results = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    return [result.text for result in results if result.valid]


@dataclass
class Verification:
    valid: bool
    problem: str = ""  # a short code: format, header, kid, signature, payload, not-yet-valid
    issuer: str = ""
    kid: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def patient(self) -> dict[str, Any]:
        for entry in self._entries():
            if entry.get("resourceType") == "Patient":
                return entry
        return {}

    @property
    def immunizations(self) -> list[dict[str, Any]]:
        return [e for e in self._entries() if e.get("resourceType") == "Immunization"]

    def _entries(self) -> list[dict[str, Any]]:
        try:
            bundle = self.payload["vc"]["credentialSubject"]["fhirBundle"]
            return [entry["resource"] for entry in bundle.get("entry", [])]
        except (KeyError, TypeError):
            return []


def _segment(part: str) -> dict[str, Any]:
    from joserfc.util import urlsafe_b64decode

    padded = part.encode()
    value = json.loads(urlsafe_b64decode(padded))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and (inflated) payload, NOT verified: to find the issuer whose keys to use."""
    from joserfc.util import urlsafe_b64decode

    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS")
    header = _segment(parts[0])
    payload = json.loads(inflate(urlsafe_b64decode(parts[1].encode())))
    if not isinstance(payload, dict):
        raise ValueError("payload is not an object")
    return header, payload


def verify(
    token: str, jwks: dict[str, Any], *, now: datetime.datetime | None = None
) -> Verification:
    """Check a card against a JWKS: header, kid, ES256 signature, then the payload's shape."""
    try:
        header, payload = peek(token)
    except (ValueError, zlib.error, UnicodeDecodeError):
        return Verification(valid=False, problem="format")
    kid = str(header.get("kid", ""))
    issuer = str(payload.get("iss", ""))
    if header.get("alg") != "ES256" or header.get("zip") != "DEF":
        return Verification(valid=False, problem="header", issuer=issuer, kid=kid)
    keys = [k for k in jwks.get("keys", []) if isinstance(k, dict) and k.get("kid") == kid]
    if not keys:
        return Verification(valid=False, problem="kid", issuer=issuer, kid=kid)
    try:
        key_set = KeySet.import_key_set({"keys": keys})
        jws.deserialize_compact(token, key_set, registry=_REGISTRY)
    except (JoseError, ValueError):
        return Verification(valid=False, problem="signature", issuer=issuer, kid=kid)
    result = Verification(valid=True, issuer=issuer, kid=kid, payload=payload)
    moment = (now or datetime.datetime.now(tz=datetime.UTC)).timestamp()
    vc = payload.get("vc")
    if (
        not isinstance(vc, dict)
        or "https://smarthealth.cards#health-card" not in vc.get("type", [])
        or not result.patient
        or not result.immunizations
    ):
        result.valid, result.problem = False, "payload"
    elif not isinstance(payload.get("nbf"), int | float) or payload["nbf"] > moment + 300:
        result.valid, result.problem = False, "not-yet-valid"
    return result


def credential(
    *,
    issuer: str,
    issued_at: datetime.datetime,
    family_name: str,
    given_name: str,
    birth_date: datetime.date,
    immunizations: list[dict[str, Any]],
) -> dict[str, Any]:
    """The JWS payload: a FHIR R4 bundle of one Patient and its Immunizations (resource:N
    references, no identifiers beyond what the card needs, as the spec asks)."""
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": "resource:0",
            "resource": {
                "resourceType": "Patient",
                "name": [{"family": family_name, "given": [given_name]}],
                "birthDate": birth_date.isoformat(),
            },
        }
    ]
    for number, dose in enumerate(immunizations, start=1):
        entries.append(
            {
                "fullUrl": f"resource:{number}",
                "resource": {
                    "resourceType": "Immunization",
                    "status": "completed",
                    "vaccineCode": {"coding": [{"system": CVX, "code": dose["cvx"]}]},
                    "patient": {"reference": "resource:0"},
                    "occurrenceDateTime": dose["date"],
                    "performer": [{"actor": {"display": dose["performer"]}}],
                    "lotNumber": dose["lot"],
                },
            }
        )
    return {
        "iss": issuer,
        "nbf": int(issued_at.timestamp()),
        "vc": {
            "type": CREDENTIAL_TYPES,
            "credentialSubject": {
                "fhirVersion": "4.0.1",
                "fhirBundle": {"resourceType": "Bundle", "type": "collection", "entry": entries},
            },
        },
    }
