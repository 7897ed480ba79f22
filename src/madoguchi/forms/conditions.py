"""Declarative visibility conditions, evaluated on the server. Data, not code: no eval, nothing
for a Content Security Policy to forbid, and the same answer for pages, the API and imports.

    {"item": "spouse.exists", "equals": "yes"}
    {"item": "damage.cause", "in": ["earthquake", "flood"]}
    {"item": "applicant.is_civil_servant", "filled": true}
    {"any": [...]}, {"all": [...]}, {"not": {...}}

Inside a repeatable group an item name is looked up in the same entry first, then in the
form's top-level answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _lookup(name: str, scopes: tuple[Mapping[str, Any], ...]) -> Any:
    for scope in scopes:
        if name in scope:
            return scope[name]
    return None


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}, False)


def _matches(value: Any, expected: Any) -> bool:
    # A checkbox answer is a list: "equals" then means "includes".
    if isinstance(value, list):
        return expected in value
    return bool(value == expected)


def evaluate(condition: Mapping[str, Any] | None, *scopes: Mapping[str, Any]) -> bool:
    """True when `condition` holds for the answers in `scopes` (innermost first)."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(sub, *scopes) for sub in condition["all"])
    if "any" in condition:
        return any(evaluate(sub, *scopes) for sub in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], *scopes)
    value = _lookup(condition["item"], scopes)
    if "equals" in condition:
        return _matches(value, condition["equals"])
    if "in" in condition:
        return any(_matches(value, expected) for expected in condition["in"])
    if "filled" in condition:
        return _filled(value) is bool(condition["filled"])
    return False
