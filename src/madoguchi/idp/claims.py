"""The claims the development IdP releases about a resident, and the scope that releases each.

Values are taken from the resident registry exactly as stored: names keep 𠮷, 髙 and
ideographic variation sequences (葛󠄀城), and nothing is normalised on the way out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def resident_claims(resident: Resident) -> dict[str, Any]:
    """Every claim about `resident`; the validator keeps those the granted scopes allow."""
    return {
        "sub": str(resident.subject),
        "name": resident.name,
        "family_name": resident.family_name,
        "given_name": resident.given_name,
        f"name{KANA}": f"{resident.family_name_kana}\u3000{resident.given_name_kana}",
        f"family_name{KANA}": resident.family_name_kana,
        f"given_name{KANA}": resident.given_name_kana,
        # The standard address claim is an object (OpenID Connect Core §5.1.1).
        "address": {
            "formatted": resident.address,
            "postal_code": resident.postal_code,
            "country": "JP",
        },
        "birthdate": resident.birth_date.isoformat(),
        # ISO/IEC 5218 code as recorded ("1" male, "2" female, "0" not known, "9" n/a).
        "gender": resident.gender,
    }
