"""Writes to the municipality master."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from madoguchi.municipalities import master
from madoguchi.municipalities.models import Municipality
from madoguchi.municipalities.text import fold

_FIELDS = (
    "name",
    "kana",
    "kind",
    "prefecture_id",
    "parent_id",
    "district",
    "district_kana",
    "search_key",
)


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def municipality_master_load() -> LoadResult:
    """Create or update every entry of the master; a second run changes nothing.

    Entries are never deleted here: applications and staff memberships point at them, and a
    merged municipality's old code must stay resolvable for its historical records.
    """
    existing = {m.code: m for m in Municipality.objects.all()}
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    unchanged = 0
    for entry in master.entries():
        values = {
            "name": entry.name,
            "kana": entry.kana,
            "kind": entry.kind.value,
            "prefecture_id": entry.prefecture_code,
            "parent_id": entry.parent_code,
            "district": entry.district,
            "district_kana": entry.district_kana,
            "search_key": fold(f"{entry.district}{entry.name} {entry.district_kana}{entry.kana}"),
        }
        current = existing.get(entry.code)
        if current is None:
            to_create.append(Municipality(code=entry.code, **values))
        elif any(getattr(current, field) != values[field] for field in _FIELDS):
            for field, value in values.items():
                setattr(current, field, value)
            to_update.append(current)
        else:
            unchanged += 1
    with transaction.atomic():
        # Prefectures first and designated cities before their wards: both are referenced by
        # foreign keys that SQLite checks immediately.
        order = {"prefecture": 0, "designated_city": 1}
        to_create.sort(key=lambda m: (order.get(m.kind, 2), m.code))
        Municipality.objects.bulk_create(to_create, batch_size=500)
        Municipality.objects.bulk_update(to_update, _FIELDS, batch_size=500)
    return LoadResult(created=len(to_create), updated=len(to_update), unchanged=unchanged)
