"""The catalogue as open data: every municipality × standard procedure (the 1,741
municipalities for municipal procedures, the 47 prefectures for prefectural ones), streamed in
chunks of organisations so memory stays flat whatever the size (bench/kpis.py measures it).

Columns are documented on /opendata/ (the data dictionary, kpis/templates/kpis/opendata.html)
and in docs/opendata.md; they do not change meaning once published (add, never rename).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.core.public_url import public_base_url
from madoguchi.forms import selectors as form_selectors
from madoguchi.kpis.csvio import csv_lines
from madoguchi.kpis.selectors import MUNICIPAL
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.types import Kind

CHUNK = 200
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"

COLUMNS: tuple[str, ...] = (
    "municipality_code",
    "prefecture_name",
    "municipality_name",
    "procedure_code",
    "procedure_name",
    "level",
    "offered",
    "online",
    "online_since",
    "form_version_id",
    "form_version_number",
    "standard_item_codes",
    "url",
)


@dataclass(frozen=True)
class Stamp:
    etag: str
    last_modified: datetime.datetime | None


def catalog_stamp() -> Stamp:
    """What the catalogue's content depends on, cheaply: counts and newest changes of the
    offerings, procedures and published form versions."""
    offerings, changed = catalog_selectors.catalog_changed()
    versions, published = form_selectors.form_versions_changed()
    latest = max((t for t in (changed, published) if t is not None), default=None)
    key = f"{offerings}:{versions}:{latest.isoformat() if latest else ''}:v1"
    return Stamp(hashlib.sha256(key.encode()).hexdigest()[:32], latest)


def _base_url() -> str:
    try:
        return public_base_url()
    except Exception:
        return ""


def catalog_records() -> Iterator[dict[str, object]]:
    """One record per organisation × procedure of its level, in code order."""
    procedures = list(catalog_selectors.procedure_list())
    by_level = {
        "municipal": [p for p in procedures if p.level == "municipal"],
        "prefectural": [p for p in procedures if p.level == "prefectural"],
    }
    base = _base_url()
    organisations = (
        municipality_selectors.municipality_list()
        .filter(kind__in=[*MUNICIPAL, Kind.PREFECTURE])
        .order_by("code")
        .values_list("code", "name", "kind", "prefecture__name")
    )
    chunk: list[tuple[str, str, str, str | None]] = []
    for organisation in organisations.iterator(chunk_size=CHUNK):
        chunk.append(organisation)
        if len(chunk) == CHUNK:
            yield from _chunk_records(chunk, by_level, base)
            chunk = []
    if chunk:
        yield from _chunk_records(chunk, by_level, base)


def _chunk_records(
    chunk: list[tuple[str, str, str, str | None]],
    by_level: dict[str, list[Any]],
    base: str,
) -> Iterator[dict[str, object]]:
    codes = [code for code, *_ in chunk]
    offerings = {
        (o.municipality_id, o.procedure_id): o
        for o in catalog_selectors.offerings_of(municipality_codes=codes).only(
            "municipality_id", "procedure_id", "online", "form_version_ref"
        )
    }
    versions = form_selectors.published_version_facts(municipality_codes=codes)
    for code, name, kind, prefecture_name in chunk:
        level = "prefectural" if kind == Kind.PREFECTURE else "municipal"
        for procedure in by_level[level]:
            offering = offerings.get((code, procedure.code))
            online = bool(offering and offering.online)
            facts = versions.get((code, procedure.code)) if online else None
            url = catalog_selectors.offering_apply_url(offering=offering) if online else None
            yield {
                "municipality_code": code,
                "prefecture_name": prefecture_name or name,
                "municipality_name": name,
                "procedure_code": procedure.code,
                "procedure_name": procedure.name,
                "level": level,
                "offered": offering is not None,
                "online": online,
                "online_since": (
                    timezone.localtime(facts["online_since"]).date().isoformat() if facts else None
                ),
                "form_version_id": str(facts["id"]) if facts else None,
                "form_version_number": facts["number"] if facts else None,
                "standard_item_codes": facts["item_codes"] if facts else [],
                "url": f"{base}{url}" if url else None,
            }


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


def catalog_csv() -> Iterator[bytes]:
    yield from csv_lines(_csv_rows())


def _csv_rows() -> Iterator[list[object]]:
    yield list(COLUMNS)
    for record in catalog_records():
        yield [_cell(record[name]) for name in COLUMNS]


def catalog_json(*, generated_at: datetime.datetime | None = None) -> Iterator[bytes]:
    """{"licence", "generated_at", "columns", "records": [...]}, written record by record."""
    head = {
        "title": "Madoguchi catalogue of municipal procedures",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "dictionary": reverse("opendata:index"),
        "generated_at": (generated_at or timezone.now()).isoformat(),
        "columns": list(COLUMNS),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "records": ['
    first = True
    for record in catalog_records():
        yield (b"" if first else b",") + b"\n" + json.dumps(record, ensure_ascii=False).encode()
        first = False
    yield b"\n]}\n"


# --- Daily snapshots -------------------------------------------------------------------------

FILES = {"catalog.csv": catalog_csv, "catalog.json": catalog_json}


def snapshot_dir() -> Path:
    return Path(getattr(settings, "KPIS_OPENDATA_DIR", settings.VAR_DIR / "opendata"))


def snapshot_write(*, day: datetime.date | None = None, force: bool = False) -> Path | None:
    """Write today's (or `day`'s) snapshot of every file, unless it exists; the folder appears
    only once complete. Returns the folder written, or None when it was there already."""
    day = day or timezone.localdate()
    root = snapshot_dir()
    target = root / day.isoformat()
    if target.exists() and not force:
        return None
    partial = root / f".{day.isoformat()}.partial"
    partial.mkdir(parents=True, exist_ok=True)
    for name, producer in FILES.items():
        with (partial / name).open("wb") as out:
            for part in producer():
                out.write(part)
    if target.exists():
        for old in target.iterdir():
            old.unlink()
        target.rmdir()
    partial.rename(target)
    return target


def snapshot_days() -> list[str]:
    root = snapshot_dir()
    if not root.is_dir():
        return []
    return sorted(
        (p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        reverse=True,
    )


def snapshot_file(*, day: str, name: str) -> Path | None:
    if name not in FILES:
        return None
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        return None
    path = snapshot_dir() / day / name
    return path if path.is_file() else None
