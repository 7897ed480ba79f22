"""Shapes other apps hand to accounts' services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonRecord:
    """What a trusted source (an identity provider's verified claims, a certificate's 基本4情報)
    says about a person. Empty strings / None: the source did not say (never overwrites).
    Values exactly as given: names and addresses are not normalised."""

    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    birth_date: datetime.date | None = None
    gender: str = ""  # ISO/IEC 5218 code
    postal_code: str = ""  # 7 digits, or ""
    address: str = ""

    @property
    def is_complete(self) -> bool:
        """Enough to create a resident record: name, birth date and address."""
        return bool(self.family_name and self.birth_date and self.address)
