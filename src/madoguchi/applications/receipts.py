"""受付番号 (receipt numbers): short, readable aloud, and self-checking.

Alphabet: digits and capitals without the look-alikes 0/O, 1/I/L (and U, easily misheard for V);
eight random characters plus a check character computed with the Luhn mod N algorithm, so any
single mistyped character or swap of neighbours is caught before a lookup. Shown as XXXX-XXXX-C.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_N = len(ALPHABET)
_BODY = 8
_PATTERN = re.compile(rf"^[{ALPHABET}]{{{_BODY + 1}}}$")


def _check_character(body: str) -> str:
    factor = 2
    total = 0
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // _N + addend % _N
    return ALPHABET[(_N - total % _N) % _N]


def receipt_number_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(_BODY))
    return body + _check_character(body)


def arrival_number_new() -> str:
    """A 到達番号: twelve characters of the same alphabet (eleven random + the check
    character), shown as XXXX-XXXX-XXXX, so it is never mistaken for a 受付番号."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(11))
    return body + _check_character(body)


def arrival_display(number: str) -> str:
    return f"{number[:4]}-{number[4:8]}-{number[8:]}"


def normalise(text: str) -> str:
    """What a person typed → the stored form: width, case, hyphens and spaces forgiven."""
    return re.sub(r"[\s\-‐－ー]", "", unicodedata.normalize("NFKC", text)).upper()


def is_valid(text: str) -> bool:
    value = normalise(text)
    return bool(_PATTERN.match(value)) and _check_character(value[:-1]) == value[-1]


def display(number: str) -> str:
    return f"{number[:4]}-{number[4:8]}-{number[8:]}"
