"""The standard presets (標準様式): one JSON file per procedure under presets/.

A preset file is a form definition plus `samples` (answers its tests validate). Items shared by
many forms live once in presets/_blocks/<name>.json and are pulled in with {"block": "<name>"},
so applicant.* is the same item in every preset by construction. Blocks are expanded when a
preset is loaded; published versions hold the expanded snapshot.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from madoguchi.forms.language import Definition, definition_check

PRESET_DIR = Path(__file__).parent / "presets"
BLOCK_DIR = PRESET_DIR / "_blocks"
# The fixed list of standard procedures (code, name, category, level), shipped by the catalog.
PROCEDURES_FILE = Path(__file__).resolve().parents[1] / "catalog" / "data" / "procedures.json"


@dataclass(frozen=True)
class Preset:
    procedure_code: str
    name: str
    level: str  # municipal | prefectural
    definition: Definition
    samples: tuple[dict[str, Any], ...]

    @property
    def version(self) -> int:
        return self.definition["preset_version"]


@cache
def _block(name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((BLOCK_DIR / f"{name}.json").read_text("utf-8"))
    return items


def _expand(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if "block" in item:
            block = _expand(copy.deepcopy(_block(item["block"])))
            # A preset may name linkage sources for a block's items (docs/linkage.md).
            sources = item.get("sources", {})
            for child in block:
                if child["code"] in sources:
                    child["source"] = sources[child["code"]]
            out += block
            continue
        item = dict(item)
        if "items" in item:
            item["items"] = _expand(item["items"])
        out.append(item)
    return out


@cache
def procedures() -> dict[str, dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(PROCEDURES_FILE.read_text("utf-8"))
    return {row["code"]: row for row in rows}


def preset_load(path: Path) -> Preset:
    """Read, expand and check one preset file (DefinitionError when it breaks the language)."""
    raw: dict[str, Any] = json.loads(path.read_text("utf-8"))
    samples = raw.pop("samples", [])
    for page in raw.get("pages", []):
        page["items"] = _expand(page.get("items", []))
    definition = definition_check(raw)
    procedure = procedures().get(definition["procedure_code"], {})
    return Preset(
        procedure_code=definition["procedure_code"],
        name=procedure.get("name", definition["title"]),
        level=procedure.get("level", "municipal"),
        definition=definition,
        samples=tuple(samples),
    )


@cache
def preset_all() -> dict[str, Preset]:
    presets = [preset_load(path) for path in sorted(PRESET_DIR.glob("*.json"))]
    order = list(procedures())
    presets.sort(
        key=lambda p: order.index(p.procedure_code) if p.procedure_code in order else len(order)
    )
    return {preset.procedure_code: preset for preset in presets}


def preset_get(procedure_code: str) -> Preset | None:
    return preset_all().get(procedure_code)


def preset_definition(procedure_code: str) -> Definition | None:
    """A deep copy of a preset's definition: callers may change it freely."""
    preset = preset_get(procedure_code)
    return copy.deepcopy(preset.definition) if preset else None
