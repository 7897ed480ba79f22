"""Form fields for the pages of other apps (labels and help stay with each page)."""

from __future__ import annotations

from typing import Any

from django import forms

from madoguchi.municipalities import selectors
from madoguchi.municipalities.validators import validate_postal_code


class PostalCodeField(forms.CharField):
    """A 郵便番号 that Japan Post knows: 7 digits, hyphen optional; numeric keypad on phones."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        )
        super().__init__(validators=[validate_postal_code], **kwargs)


def municipality_code_for(postal_code: str) -> str:
    """The municipality of a validated postal code (the first, for the few that span two)."""
    return selectors.municipality_codes_for_postal_code(postal_code)[0]
