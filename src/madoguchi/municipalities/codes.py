"""全国地方公共団体コード (local government codes): five digits plus a check digit.

The check digit is defined by the Ministry of Internal Affairs: weight the five digits 6,5,4,3,2,
sum, take the remainder mod 11; the check digit is the last digit of (11 - remainder), and 0 when
the remainder is 0.
"""

from __future__ import annotations

import re

_WEIGHTS = (6, 5, 4, 3, 2)
_FIVE = re.compile(r"^[0-9]{5}$")
_SIX = re.compile(r"^[0-9]{6}$")


class InvalidCode(ValueError):
    """A code that is malformed or whose check digit does not match."""


def check_digit(five: str) -> str:
    if not _FIVE.match(five):
        raise InvalidCode(five)
    remainder = sum(int(d) * w for d, w in zip(five, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return "0"
    return str(11 - remainder)[-1]


def with_check_digit(five: str) -> str:
    return five + check_digit(five)


def is_valid(code: str) -> bool:
    return bool(_SIX.match(code)) and check_digit(code[:5]) == code[5]


def validate(code: str) -> str:
    if not is_valid(code):
        raise InvalidCode(code)
    return code


def prefecture_code(prefecture_number: int) -> str:
    return with_check_digit(f"{prefecture_number:02d}000")
