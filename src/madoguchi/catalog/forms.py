from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.selectors import life_event_list
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.validators import validate_postal_code


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("What do you need to do?"),
        required=False,
        max_length=100,
        help_text=_("Write it in your own words. Example: 子どもが生まれた, 引っ越し, 家が壊れた"),
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    postal_code = forms.CharField(
        label=_("Your postal code"),
        required=False,
        max_length=8,
        help_text=_("Shows what your municipality offers online first. Example: 100-0013"),
        validators=[validate_postal_code],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    life_event = forms.ChoiceField(label=_("Life event"), required=False)
    online = forms.BooleanField(label=_("Only procedures I can apply for online"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All"))] + [(e.code, e.name) for e in life_event_list()]
        self.fields["life_event"].choices = choices  # type: ignore[attr-defined]

    def municipality_code(self) -> str | None:
        """The resident's municipality from the postal code (valid form only)."""
        postal_code = self.cleaned_data.get("postal_code")
        if not postal_code:
            return None
        return municipality_selectors.municipality_codes_for_postal_code(postal_code)[0]


class MunicipalityByPostalCodeForm(forms.Form):
    postal_code = forms.CharField(
        label=_("Your postal code"),
        max_length=8,
        help_text=_("Example: 100-0013"),
        validators=[validate_postal_code],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    def municipality_code(self) -> str:
        return municipality_selectors.municipality_codes_for_postal_code(
            self.cleaned_data["postal_code"]
        )[0]
