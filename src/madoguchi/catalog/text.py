"""Folding for procedure search: what residents type and what procedures say meet here.

Beyond the width and kana folding of municipalities.text.fold, search also folds small kana to
their full size and drops the long-vowel mark and punctuation, so ケアマネージャー finds
ケアマネジャー and ひっこし finds 引っ越し's reading ヒッコシ.
"""

from __future__ import annotations

import re

from madoguchi.municipalities.text import fold

_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_DROP = re.compile(r"[ー‐\-・･、。，．,.「」『』（）()【】〔〕!?！？\s]")


def search_fold(text: str) -> str:
    return _DROP.sub("", fold(text).translate(_SMALL))


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}
