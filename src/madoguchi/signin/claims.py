"""Verified claims of a signed-in resident, as kept in the session and read by other apps."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

KANA = "#ja-Kana-JP"
# The authentication app may give the name as one string; the family name ends at the first
# space (ideographic or ASCII).
_NAME_SPLIT = re.compile(r"[\u3000 ]+")


@dataclass(frozen=True)
class ResidentClaims:
    """What the issuer said about the signed-in person, exactly as it said it (names are not
    normalised: 𠮷 and variation sequences survive). Optional values are empty/None when the
    issuer did not release the scope."""

    issuer: str
    subject: str
    name: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    address: str
    postal_code: str
    birthdate: datetime.date | None
    gender: str  # ISO/IEC 5218: "1" male, "2" female, "0" not known, "9" not applicable
    authenticated_at: datetime.datetime | None


_GENDER_WORDS = {"male": "1", "female": "2"}


def _split_name(full: str) -> tuple[str, str]:
    parts = _NAME_SPLIT.split(full.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (full.strip(), "")


def _text(claims: dict[str, Any], key: str) -> str:
    value = claims.get(key)
    return value if isinstance(value, str) else ""


def claims_from_token(*, issuer: str, claims: dict[str, Any]) -> ResidentClaims:
    """Build ResidentClaims from verified ID-token (and userinfo) claims, accepting both the
    development IdP's shape and the plainer shapes a real issuer may use."""
    name = _text(claims, "name")
    family, given = _text(claims, "family_name"), _text(claims, "given_name")
    if name and not (family or given):
        family, given = _split_name(name)
    if not name and (family or given):
        name = f"{family}\u3000{given}".strip()
    kana_family, kana_given = (
        _text(claims, f"family_name{KANA}"),
        _text(claims, f"given_name{KANA}"),
    )
    if not (kana_family or kana_given) and _text(claims, f"name{KANA}"):
        kana_family, kana_given = _split_name(_text(claims, f"name{KANA}"))

    address_claim = claims.get("address")
    address, postal_code = "", ""
    if isinstance(address_claim, dict):
        address = str(address_claim.get("formatted") or "")
        postal_code = str(address_claim.get("postal_code") or "").replace("-", "")
    elif isinstance(address_claim, str):
        address = address_claim

    birthdate = None
    try:
        birthdate = datetime.date.fromisoformat(_text(claims, "birthdate"))
    except ValueError:
        birthdate = None

    gender = _text(claims, "gender")
    gender = _GENDER_WORDS.get(gender, gender)

    auth_time = claims.get("auth_time")
    authenticated_at = (
        datetime.datetime.fromtimestamp(auth_time, tz=datetime.UTC)
        if isinstance(auth_time, int | float)
        else None
    )
    return ResidentClaims(
        issuer=issuer,
        subject=str(claims["sub"]),
        name=name,
        family_name=family,
        given_name=given,
        family_name_kana=kana_family,
        given_name_kana=kana_given,
        address=address,
        postal_code=postal_code,
        birthdate=birthdate,
        gender=gender,
        authenticated_at=authenticated_at,
    )


def claims_to_session(claims: ResidentClaims) -> dict[str, Any]:
    return {
        "issuer": claims.issuer,
        "subject": claims.subject,
        "name": claims.name,
        "family_name": claims.family_name,
        "given_name": claims.given_name,
        "family_name_kana": claims.family_name_kana,
        "given_name_kana": claims.given_name_kana,
        "address": claims.address,
        "postal_code": claims.postal_code,
        "birthdate": claims.birthdate.isoformat() if claims.birthdate else None,
        "gender": claims.gender,
        "authenticated_at": (
            claims.authenticated_at.isoformat() if claims.authenticated_at else None
        ),
    }


def claims_from_session(data: dict[str, Any]) -> ResidentClaims:
    birthdate, authenticated_at = data.get("birthdate"), data.get("authenticated_at")
    return ResidentClaims(
        issuer=data["issuer"],
        subject=data["subject"],
        name=data["name"],
        family_name=data["family_name"],
        given_name=data["given_name"],
        family_name_kana=data["family_name_kana"],
        given_name_kana=data["given_name_kana"],
        address=data["address"],
        postal_code=data["postal_code"],
        birthdate=datetime.date.fromisoformat(birthdate) if birthdate else None,
        gender=data["gender"],
        authenticated_at=(
            datetime.datetime.fromisoformat(authenticated_at) if authenticated_at else None
        ),
    )
