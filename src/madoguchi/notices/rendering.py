"""Filling a template's `{variable}` placeholders — safely.

Templates are written by municipal staff, so they are data, not code. Django's template
language would let an override use tags and filters (`{% debug %}`, `{% include %}`, any loaded
library) and `str.format_map` follows attributes and indexes (`{resident.user.password}`,
`{x.__class__}`). Here a template is parsed with `string.Formatter().parse` and only bare names
from the template's declared variables are accepted — no attribute, index, conversion or format
spec — and substituted as plain text. The result is text: pages autoescape it, e-mails are
text/plain.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class TemplateSyntaxProblem(ValueError):
    """The text is not a valid template; `str(exc)` is a message for the field."""


def _parse(text: str) -> list[tuple[str, str | None]]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:  # a lone "{" or "}"
        raise TemplateSyntaxProblem(str(exc)) from None
    pieces: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (spec or conversion or not _NAME.match(name)):
            raise TemplateSyntaxProblem(name)
        pieces.append((literal, name))
    return pieces


def placeholders(text: str) -> set[str]:
    """The variable names used in `text` (raises TemplateSyntaxProblem for anything else)."""
    return {name for _literal, name in _parse(text) if name is not None}


def problems(text: str, allowed: Iterable[str]) -> tuple[bool, list[str]]:
    """(syntax is valid, unknown variable names) for a field error."""
    try:
        used = placeholders(text)
    except TemplateSyntaxProblem:
        return False, []
    return True, sorted(used - set(allowed))


def render(text: str, context: Mapping[str, str], allowed: Iterable[str]) -> str:
    """`text` with each `{name}` replaced by `context[name]`; a name outside `allowed` or
    missing from `context` raises (a sender's bug, never silently left blank)."""
    permitted = set(allowed)
    out: list[str] = []
    for literal, name in _parse(text):
        out.append(literal)
        if name is None:
            continue
        if name not in permitted:
            raise TemplateSyntaxProblem(name)
        if name not in context:
            raise KeyError(f"notice variable {name!r} has no value")
        out.append(str(context[name]))
    return "".join(out)
