"""Procedure and life-event names in the resident's language (data/procedures_i18n.json).

The catalogue's Japanese stays the source and what staff, the API and exports use; a name or
summary without a translation is shown in Japanese with its own `lang` (see templatetags).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "procedures_i18n.json"


@cache
def _texts() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def procedure_text(code: str, field: str, language: str | None = None) -> str | None:
    """The translation of a procedure's `name` or `summary`, or None (Japanese, or none)."""
    language = language or get_language() or "ja"
    value = _texts().get(language, {}).get("procedures", {}).get(code, {}).get(field)
    return str(value) if value else None


def life_event_name(code: str, default: str, language: str | None = None) -> str:
    language = language or get_language() or "ja"
    return str(_texts().get(language, {}).get("life_events", {}).get(code) or default)
