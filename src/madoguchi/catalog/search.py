"""Ranking procedures against what a resident types.

Scoring runs in Python over a small, cached index of the procedures (tens to a few hundred rows),
so the ranking is identical on SQLite and PostgreSQL; the database only answers the indexed
offering lookups for the resident's municipality.

Signals, strongest first:
- the query contains the procedure's name, or the name contains the query;
- the query contains one of the procedure's everyday words (「赤ちゃん」「車庫」…);
- the query contains an everyday phrase from data/synonyms.json (「家が壊れた」) whose meaning
  (「罹災証明書」) appears in the procedure's name or words;
- character-bigram overlap between the query and the name, kana, words and summary, which
  tolerates partial and differently-written queries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from madoguchi.catalog.text import bigrams, search_fold

DATA = Path(__file__).parent / "data"
MIN_SCORE = 12.0


@dataclass(frozen=True)
class IndexedProcedure:
    code: str
    name: str
    words: tuple[str, ...]
    name_bigrams: frozenset[str]
    text_bigrams: frozenset[str]
    summary_bigrams: frozenset[str]


@dataclass(frozen=True)
class Synonym:
    phrases: tuple[str, ...]
    means: tuple[str, ...]


@cache
def synonyms() -> tuple[Synonym, ...]:
    raw = json.loads((DATA / "synonyms.json").read_text(encoding="utf-8"))
    # English and やさしい日本語 phrases (docs/i18n.md), kept apart from the Japanese ones.
    raw += json.loads((DATA / "synonyms_i18n.json").read_text(encoding="utf-8"))
    return tuple(
        Synonym(
            tuple(search_fold(p) for p in s["phrases"]), tuple(search_fold(m) for m in s["means"])
        )
        for s in raw
    )


def index_procedure(
    *, code: str, name: str, kana: str, summary: str, keywords: list[str]
) -> IndexedProcedure:
    folded_name = search_fold(name)
    words = tuple(w for w in (search_fold(k) for k in keywords) if w)
    return IndexedProcedure(
        code=code,
        name=folded_name,
        words=words,
        name_bigrams=frozenset(bigrams(folded_name) | bigrams(search_fold(kana))),
        text_bigrams=frozenset().union(*(bigrams(w) for w in words)) if words else frozenset(),
        summary_bigrams=frozenset(bigrams(search_fold(summary))),
    )


@dataclass(frozen=True)
class Query:
    """A query folded once: its text, bigrams, and the meanings its everyday phrases carry."""

    text: str
    bigrams: frozenset[str]
    meanings: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, raw: str) -> Query:
        text = search_fold(raw)
        meanings = tuple(s.means for s in synonyms() if any(phrase in text for phrase in s.phrases))
        return cls(text, frozenset(bigrams(text)), meanings)


def score(query: Query, procedure: IndexedProcedure) -> float:
    q = query.text
    if not q:
        return 0.0
    total = 0.0
    if q in procedure.name or procedure.name in q:
        total += 100.0
    for word in procedure.words:
        if len(word) >= 2 and word in q:
            total += 30.0
    haystack = (procedure.name, *procedure.words)
    for means in query.meanings:
        if any(meaning in text for meaning in means for text in haystack):
            total += 40.0
    if query.bigrams:
        size = len(query.bigrams)
        total += 50.0 * len(query.bigrams & procedure.name_bigrams) / size
        total += 20.0 * len(query.bigrams & procedure.text_bigrams) / size
        total += 10.0 * len(query.bigrams & procedure.summary_bigrams) / size
    return total


def rank(query: str, index: list[IndexedProcedure]) -> dict[str, float]:
    """code → score for the procedures that match well enough to show."""
    parsed = Query.parse(query)
    scores = {p.code: score(parsed, p) for p in index}
    return {code: s for code, s in scores.items() if s >= MIN_SCORE}
