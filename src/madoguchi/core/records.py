"""Idempotent writes of reference and demo data."""

from __future__ import annotations

from typing import Any

from django.db import models


def changed_fields_save(instance: models.Model, values: dict[str, Any]) -> bool:
    """Give `instance` the `values` that differ and save only those fields.

    Returns whether anything changed, so loaders can report "a second run changes nothing".
    """
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    for field in changed:
        setattr(instance, field, values[field])
    if changed:
        # auto_now fields (e.g. updated_at, which the search index's freshness key reads) are
        # only written when named.
        touched = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changed, *touched])
    return bool(changed)
