"""The claims the development IdP releases about a resident, and the scope that releases each.

Values are taken from the resident registry exactly as stored: names keep 𠮷, 髙 and
ideographic variation sequences (葛󠄀城), and nothing is normalised on the way out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from madoguchi.idp.models import DemoIdentity

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

# Readings use the language-tagged form of OpenID Connect Core §5.2 ("name#ja-Kana-JP"),
# which is how a standard client asks for the katakana rendering of a claim.
KANA = "#ja-Kana-JP"

CLAIM_SCOPES: dict[str, str] = {
    "sub": "openid",
    "name": "name",
    "family_name": "name",
    "given_name": "name",
    f"name{KANA}": "name",
    f"family_name{KANA}": "name",
    f"given_name{KANA}": "name",
    "address": "address",
    "birthdate": "birthdate",
    "gender": "gender",
}


def _claims(subject: str, person: Resident | DemoIdentity) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": subject,
        "name": person.name,
        "family_name": person.family_name,
        "given_name": person.given_name,
        f"name{KANA}": f"{person.family_name_kana}\u3000{person.given_name_kana}",
        f"family_name{KANA}": person.family_name_kana,
        f"given_name{KANA}": person.given_name_kana,
        # The standard address claim is an object (OpenID Connect Core §5.1.1).
        "address": {
            "formatted": person.address,
            "postal_code": person.postal_code,
            "country": "JP",
        },
        # ISO/IEC 5218 code as recorded ("1" male, "2" female, "0" not known, "9" n/a).
        "gender": person.gender,
    }
    if person.birth_date is not None:
        claims["birthdate"] = person.birth_date.isoformat()
    return claims


def identity_claims(identity: DemoIdentity) -> dict[str, Any]:
    """Every claim the IdP holds about `identity`; the validator keeps those the granted scopes
    allow."""
    return _claims(identity.subject, identity)


def resident_claims(resident: Resident) -> dict[str, Any]:
    """The claims the IdP releases for a demo resident it copied from the registry (tests of
    other apps use this to stand in for a completed sign-in)."""
    return _claims(str(resident.subject), resident)
