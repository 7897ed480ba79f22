"""個人番号 (My Number): the check digit of the Act's ordinance (行政手続における特定の個人を
識別するための番号の利用等に関する法律施行令 第8条) and masking for display."""

from __future__ import annotations


def check_digit(first_eleven: str) -> int:
    """Check digit of the first 11 digits.

    With P(n) the n-th digit counted from the right of the 11 digits and Q(n) = n + 1 for
    n <= 6, n - 5 for n >= 7: remainder = sum(P(n) * Q(n)) mod 11; the check digit is 0 when the
    remainder is 0 or 1, else 11 - remainder.
    """
    if len(first_eleven) != 11 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("eleven ASCII digits expected")
    total = 0
    for n, char in enumerate(reversed(first_eleven), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(char) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid(number: str) -> bool:
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def mask(number: str) -> str:
    """Only the last four digits stay visible, the way staff screens show it."""
    if len(number) < 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]
