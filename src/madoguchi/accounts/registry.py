"""The resident-registry adapter seam: who lives in which household (住民基本台帳).

A municipality that can ask its registry (a core-system interface, 住基ネット) registers an
adapter under a name and sets ACCOUNTS_RESIDENT_REGISTRY to it. Without one, the platform does
not pretend to know households: a new resident starts as a household of one, "not confirmed",
until they declare their household (marked as declared). The demo adapter answers from
accounts/data/demo.json — the one implementation shipped, for development.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from madoguchi.accounts.types import PersonRecord

DEMO_DATA = Path(__file__).parent / "data" / "demo.json"


@dataclass(frozen=True)
class RegistryHousehold:
    """The registry's answer for one person."""

    household_code: str
    is_householder: bool
    relationship: str  # 続柄 as the registry writes it (世帯主, 妻, 子, …)


class ResidentRegistry(Protocol):
    name: str

    def household_for(
        self, *, municipality_code: str, person: PersonRecord
    ) -> RegistryHousehold | None:
        """The person's household in this municipality's registry, or None if not found."""
        ...


class DemoRegistry:
    """The synthetic registry of accounts/data/demo.json (千代田区 only). A person is found by
    exact family name, given name and birth date, as a registry lookup by 基本4情報 would."""

    name = "demo"

    def __init__(self, path: Path = DEMO_DATA) -> None:
        self.path = path

    @functools.cached_property
    def _data(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.path.read_text(encoding="utf-8"))
        return data

    def household_for(
        self, *, municipality_code: str, person: PersonRecord
    ) -> RegistryHousehold | None:
        if municipality_code != self._data["municipality"] or person.birth_date is None:
            return None
        residents = self._data["residents"]
        assert isinstance(residents, list)
        for entry in residents:
            if (
                entry["family_name"] == person.family_name
                and entry["given_name"] == person.given_name
                and entry["birth_date"] == person.birth_date.isoformat()
            ):
                return RegistryHousehold(
                    household_code=entry["household"],
                    is_householder=bool(entry["is_householder"]),
                    relationship=entry["relationship"],
                )
        return None


RegistryFactory = Callable[[], ResidentRegistry]
_registries: dict[str, RegistryFactory] = {"demo": DemoRegistry}


def registry_register(name: str, factory: RegistryFactory) -> None:
    _registries[name] = factory


def registry_configured() -> ResidentRegistry | None:
    """The adapter named by ACCOUNTS_RESIDENT_REGISTRY ("" or unset: none)."""
    name = str(getattr(settings, "ACCOUNTS_RESIDENT_REGISTRY", "") or "")
    if not name:
        return None
    try:
        return _registries[name]()
    except KeyError:
        known = ", ".join(sorted(_registries))
        raise LookupError(
            f"ACCOUNTS_RESIDENT_REGISTRY={name!r} is not registered ({known})"
        ) from None
