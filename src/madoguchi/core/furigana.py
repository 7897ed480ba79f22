"""Furigana for やさしい日本語 pages: `<ruby>` over words with kanji beyond the elementary grades.

Readings come from a morphological analyser (MeCab through fugashi, with the UniDic-lite
dictionary), not from a hand-written table, so a word reads as it does in context (「手当」は
てあて); which kanji count as elementary comes from the 学年別漢字配当表 (the 1,026 教育漢字 of
the 2020 curriculum) in `kanji-lists`. pykakasi would be lighter but is GPL-3.0, which an MIT
project should not link; fugashi and UniDic-lite are MIT/BSD.

Screen readers: the reading (`<rt>`) is `aria-hidden`, so a screen reader reads the word once
with its own reading instead of the word and then its kana; sighted readers see both. `<rp>`
brackets show the reading in brackets where ruby is not laid out (text browsers, copy & paste).

Applied to whole HTML pages of the easy-Japanese language (core.i18n middleware): only text in
<body> outside <title>, <option>, <textarea>, <script>, <style>, <ruby> and attribute values.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache

import jaconv

_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々]")
_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_SKIP = {"title", "option", "textarea", "script", "style", "ruby", "code", "pre"}


@cache
def _elementary() -> frozenset[str]:
    from kanji_lists import KYOIKU

    return frozenset(KYOIKU)


@cache
def _tagger():  # type: ignore[no-untyped-def]
    import fugashi

    return fugashi.Tagger()


def _needs_reading(word: str) -> bool:
    elementary = _elementary()
    return any(_KANJI.match(ch) and ch not in elementary and ch != "々" for ch in word)


def _ruby(surface: str, kana: str) -> str:
    # Keep okurigana outside the ruby: 受け取る → <ruby>受<rt>う</rt></ruby>け…; simple cases
    # only (a kana tail shared by surface and reading), the rest gets one reading for the word.
    tail = ""
    while surface and kana and surface[-1] == kana[-1] and not _KANJI.match(surface[-1]):
        tail = surface[-1] + tail
        surface, kana = surface[:-1], kana[:-1]
    return (
        f'<ruby>{html.escape(surface)}<rp>(</rp><rt aria-hidden="true">{html.escape(kana)}</rt>'
        f"<rp>)</rp></ruby>{html.escape(tail)}"
    )


@lru_cache(maxsize=8192)
def furigana_text(text: str) -> str:
    """HTML for a run of (unescaped) text, with ruby where a reading helps."""
    if not _KANJI.search(text):
        return html.escape(text, quote=False)
    out = []
    for word in _tagger()(text):
        surface = word.surface
        reading = getattr(word.feature, "kana", None)
        # The tagger drops white space; put it back as it was.
        out.append(html.escape(word.white_space, quote=False))
        if reading and reading != "*" and _needs_reading(surface):
            out.append(_ruby(surface, jaconv.kata2hira(reading)))
        else:
            out.append(html.escape(surface, quote=False))
    return "".join(out)


def furigana_html(document: str) -> str:
    """The page with furigana in its body text (see the module docstring for what is left)."""
    start = document.find("<body")
    if start < 0:
        return document
    head, body = document[:start], document[start:]
    parts = _TOKEN.split(body)
    skipping: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 1:  # a tag or a comment
            match = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if match:
                name = match[2].lower()
                if name in _SKIP:
                    if match[1]:
                        if skipping and skipping[-1] == name:
                            skipping.pop()
                    elif not part.endswith("/>"):
                        skipping.append(name)
            continue
        if skipping or not _KANJI.search(part):
            continue
        parts[index] = furigana_text(html.unescape(part))
    return head + "".join(parts)
