"""Form fields for the pages of other apps (labels and help stay with each page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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


class MunicipalitySearchForm(forms.Form):
    postal_code = PostalCodeField(
        label=_("Postal code"),
        required=False,
        help_text=_("7 digits, with or without a hyphen. Example: 100-0013"),
    )
    q = forms.CharField(
        label=_("Name of the municipality"),
        required=False,
        max_length=64,
        help_text=_("Kanji, hiragana or katakana. Example: ちよだ"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("postal_code") and not cleaned.get("q"):
            # Tied to the first field so the error summary can link to it.
            self.add_error(
                "postal_code",
                forms.ValidationError(
                    _("Enter a postal code or the name of the municipality."), code="empty"
                ),
            )
        return cleaned
