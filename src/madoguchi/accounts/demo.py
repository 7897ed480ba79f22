"""Identifiers of the synthetic demo residents (accounts/data/demo.json), shared by the services
that load them and the selectors that list them."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

DEMO_DATA = Path(__file__).parent / "data" / "demo.json"
# Documented in the README; demo data is refused outside development (see the command).
DEMO_PASSWORD = "madoguchi-demo-2026"  # noqa: S105
_DEMO_NAMESPACE = uuid.UUID("0f4f1c4e-3d57-5b0e-9d53-6d61646f6775")


def demo_resident_subject(key: str) -> uuid.UUID:
    """Stable identifier of a demo resident, the same on every installation."""
    return uuid.uuid5(_DEMO_NAMESPACE, key)


def demo_resident_subjects(*, path: Path = DEMO_DATA) -> list[uuid.UUID]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [demo_resident_subject(person["key"]) for person in data["residents"]]
