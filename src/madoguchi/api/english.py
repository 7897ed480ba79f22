"""English for a message that was already rendered in Japanese.

Messages are written with English msgids and translated to Japanese when raised (DRF and the
form validator render them at once). The problem documents give both languages, so the English is
recovered from the merged Japanese catalogue: exact entries by lookup, entries with placeholders
(``%(name)s``, ``{name}``, ``%s``) by a pattern built from the Japanese text whose captured values
are put back into the English msgid. Only error responses pay for it; the index is built once per
process.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.utils.translation import trans_real

_PLACEHOLDER = re.compile(r"%\((?P<named>\w+)\)[sdif]|\{(?P<brace>\w+)\}|%(?P<positional>[sdi])")


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    msgid: str
    names: tuple[str, ...]
    literal_length: int


@dataclass
class _Index:
    exact: dict[str, str]
    patterns: list[_Pattern]


_index: _Index | None = None
_lock = threading.Lock()


def _pattern(msgstr: str) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    parts: list[str] = []
    names: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(msgstr):
        parts.append(re.escape(msgstr[position : match.start()]))
        name = match.group("named") or match.group("brace") or f"_{len(names)}"
        group = f"g{len(names)}"
        names.append(name)
        parts.append(f"(?P<{group}>.+?)")
        position = match.end()
    if not names:
        return None
    parts.append(re.escape(msgstr[position:]))
    return re.compile("".join(parts), re.DOTALL), tuple(names)


def _fill(msgid: str, values: dict[str, str]) -> str:
    positional = iter([values[key] for key in sorted(values) if key.startswith("_")])

    def replace(match: re.Match[str]) -> str:
        name = match.group("named") or match.group("brace")
        if name:
            return values.get(name, match.group(0))
        return next(positional, match.group(0))

    return _PLACEHOLDER.sub(replace, msgid)


def _build() -> _Index:
    catalog = trans_real.translation("ja")._catalog  # type: ignore[attr-defined]
    exact: dict[str, str] = {}
    patterns: list[_Pattern] = []
    for key, msgstr in catalog.items():
        if not isinstance(key, str) or not isinstance(msgstr, str) or not msgstr:
            continue  # plural forms are keyed by (msgid, n)
        msgid = key.split("\x04", 1)[-1]  # drop a pgettext context
        exact.setdefault(msgstr, msgid)
        built = _pattern(msgstr)
        if built is not None:
            regex, names = built
            literal = len(_PLACEHOLDER.sub("", msgstr))
            patterns.append(_Pattern(regex, msgid, names, literal))
    # The most specific pattern (most literal text) wins when several match.
    patterns.sort(key=lambda p: -p.literal_length)
    return _Index(exact=exact, patterns=patterns)


def english(text: str) -> str:
    """The English of a Japanese message from any Madoguchi, Django or DRF catalogue; the text
    itself when it is not a translated message (e.g. already English)."""
    global _index
    if not text:
        return text
    if _index is None:
        with _lock:
            if _index is None:
                _index = _build()
    index = _index
    found = index.exact.get(text)
    if found is not None:
        return found
    for pattern in index.patterns:
        match = pattern.regex.fullmatch(text)
        if match is not None:
            values = {name: match.group(f"g{i}") for i, name in enumerate(pattern.names)}
            return _fill(pattern.msgid, values)
    return text
