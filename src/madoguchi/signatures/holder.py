"""Is this person the holder of that certificate? The one comparison of 基本4情報.

Used wherever a person is matched against a 署名用 certificate: linking a card to the signed-in
resident on its first signature, finding the resident of a certificate on no card yet (API), and
binding the applicant named in the answers to the signer. The rules are written down in
docs/signing.md ("Who the signer is"); change them there and here together.

Names ("exact characters"):
- Unicode NFC, nothing more: canonically equivalent spellings compare equal (a CJK compatibility
  ideograph with a canonical decomposition equals its unified ideograph, as Unicode defines),
  but no NFKC, no width folding, no kana folding, no old/new form folding (髙 ≠ 高, 﨑 ≠ 崎,
  𠮷 ≠ 吉) and ideographic variation sequences are compared as written (葛󠄀城 ≠ 葛城);
- whitespace between family and given name (U+0020, U+3000, any other) is ignored, so
  "𠮷田　太郎" on the certificate equals {"family": "𠮷田", "given": "太郎"} in the answers.

Addresses (people and portals write them in many ways):
- NFKC (full-width digits and letters become ASCII), then all whitespace removed;
- a leading prefecture name (東京都, 北海道, 大阪府, 神奈川県, …) is dropped from both sides;
- kanji numerals before 丁目 become digits (二丁目 → 2丁目), and 丁目 / 番地 / 番 / 号 and every
  dash-like character (‐ ‑ – — ― − ー ｰ after a digit) become "-", a trailing "-" dropped:
  "東京都千代田区麹町二丁目1番1号" = "千代田区麹町2-1-1".

Birth date: the same calendar date. Gender: compared only when both sides give one.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

FIELDS = ("name", "birth_date", "address", "gender")

_WHITESPACE = re.compile(r"\s+")
_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|[^\d\s]{2,3}県)")
_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHOME = re.compile(r"([〇一二三四五六七八九十]+)丁目")
_DASHES = re.compile(r"(?<=\d)[ーｰ]|[‐‑‒–—―−]")
_SEPARATORS = re.compile(r"(?<=\d)(丁目|番地|番|号)")


def name_key(name: str) -> str:
    """A name as compared: NFC, whitespace removed (see the module docstring)."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFC", name))


def _kanji_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _KANJI_DIGITS.get(ones, 0) if ones else 0
        )
    value = 0
    for character in text:
        value = value * 10 + _KANJI_DIGITS[character]
    return value


def address_key(address: str) -> str:
    """An address as compared (see the module docstring)."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", address))
    text = _PREFECTURE.sub("", text, count=1)
    text = _CHOME.sub(lambda m: f"{_kanji_number(m.group(1))}丁目", text)
    text = _SEPARATORS.sub("-", text)
    text = _DASHES.sub("-", text)
    text = re.sub(r"-+", "-", text)
    return text.rstrip("-")


@dataclass(frozen=True)
class PersonFacts:
    """What one side says about a person; empty/None = not given (not compared)."""

    name: str = ""
    birth_date: datetime.date | None = None
    address: str = ""
    gender: str = ""  # ISO/IEC 5218 code


@dataclass(frozen=True)
class HolderComparison:
    """The fields that differ (empty: the person is the holder) and the fields compared."""

    mismatched: tuple[str, ...]
    compared: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return not self.mismatched and "name" in self.compared


def holder_compare(
    *, holder: PersonFacts, person: PersonFacts, require: tuple[str, ...] = ("name",)
) -> HolderComparison:
    """Compare `person` with the certificate `holder`, field by field.

    A field is compared when `person` gives it (a proxy's block may carry only a name); the
    holder's side always carries all four. Fields in `require` that `person` lacks count as
    mismatched, so "nothing to compare" never passes as a match.
    """
    compared: list[str] = []
    mismatched: list[str] = []
    checks: tuple[tuple[str, bool, Callable[[], bool]], ...] = (
        ("name", bool(person.name), lambda: name_key(holder.name) == name_key(person.name)),
        (
            "birth_date",
            person.birth_date is not None,
            lambda: holder.birth_date == person.birth_date,
        ),
        (
            "address",
            bool(person.address),
            lambda: address_key(holder.address) == address_key(person.address),
        ),
        (
            "gender",
            bool(person.gender) and bool(holder.gender),
            lambda: holder.gender == person.gender,
        ),
    )
    for field, given, equal in checks:
        if not given:
            if field in require:
                mismatched.append(field)
            continue
        compared.append(field)
        if not equal():
            mismatched.append(field)
    return HolderComparison(mismatched=tuple(mismatched), compared=tuple(compared))
