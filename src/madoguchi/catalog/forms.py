from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.i18n import life_event_name
from madoguchi.catalog.selectors import life_event_list
from madoguchi.municipalities.forms import PostalCodeField, municipality_code_for


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("What do you need to do?"),
        required=False,
        max_length=100,
        help_text=_("Write it in your own words. Example: 子どもが生まれた, 引っ越し, 家が壊れた"),
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    postal_code = PostalCodeField(
        label=_("Your postal code"),
        required=False,
        help_text=_("Shows what your municipality offers online first. Example: 100-0013"),
    )
    life_event = forms.ChoiceField(label=_("Life event"), required=False)
    online = forms.BooleanField(label=_("Only procedures I can apply for online"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All"))] + [
            (e.code, life_event_name(e.code, e.name)) for e in life_event_list()
        ]
        self.fields["life_event"].choices = choices  # type: ignore[attr-defined]

    def municipality_code(self) -> str | None:
        """The resident's municipality from the postal code (valid form only)."""
        postal_code = self.cleaned_data.get("postal_code")
        return municipality_code_for(postal_code) if postal_code else None


class MunicipalityByPostalCodeForm(forms.Form):
    postal_code = PostalCodeField(label=_("Your postal code"), help_text=_("Example: 100-0013"))

    def municipality_code(self) -> str:
        return municipality_code_for(self.cleaned_data["postal_code"])
