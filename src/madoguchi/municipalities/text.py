"""Folding of Japanese text for search and matching. Stored names are never folded."""

from __future__ import annotations

import unicodedata

import jaconv


def fold(text: str) -> str:
    """NFKC (full/half width), hiragana → katakana, lower-case; whitespace removed.

    ``ちよだ``, ``ﾁﾖﾀﾞ`` and ``チヨダ`` all fold to ``チヨダ``.
    """
    normalized = unicodedata.normalize("NFKC", text)
    return "".join(jaconv.hira2kata(normalized).lower().split())
