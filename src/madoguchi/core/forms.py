from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.municipalities.forms import PostalCodeField


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
