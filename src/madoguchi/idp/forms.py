from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from madoguchi.idp import conf

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


def resident_label(resident: Resident) -> str:
    born = formats.date_format(resident.birth_date, "DATE_FORMAT")
    return str(_("%(name)s (born %(date)s)") % {"name": resident.name, "date": born})


class DemoSignInForm(forms.Form):
    """Choose a demo resident and enter their 利用者証明用 PIN (the card tap is imagined)."""

    resident = forms.TypedChoiceField(
        label=_("Resident"),
        help_text=_("The fictional residents of the demonstration."),
        coerce=str,
        error_messages={"required": _("Choose the resident to sign in as.")},
    )
    pin = forms.CharField(
        label=_("PIN for user authentication (4 digits)"),
        strip=True,
        max_length=8,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "idp-pin"}
        ),
        error_messages={"required": _("Enter the 4-digit PIN.")},
    )

    def __init__(self, *args: Any, residents: list[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.residents = {str(r.subject): r for r in residents}
        resident_field = self.fields["resident"]
        assert isinstance(resident_field, forms.ChoiceField)
        resident_field.choices = [
            ("", _("Choose a resident")),
            *[(subject, resident_label(r)) for subject, r in self.residents.items()],
        ]
        self.fields["pin"].help_text = _(
            "The PIN of every demo resident is %(pin)s. After %(attempts)s wrong entries in a "
            "row the certificate locks, as on a real card."
        ) % {"pin": conf.demo_pin(), "attempts": conf.PIN_MAX_ATTEMPTS}

    def clean_pin(self) -> str:
        # Full-width digits typed on a Japanese keyboard are the same PIN.
        pin = unicodedata.normalize("NFKC", self.cleaned_data["pin"])
        if len(pin) != conf.PIN_LENGTH or not pin.isascii() or not pin.isdigit():
            raise forms.ValidationError(_("Enter the PIN as 4 digits."), code="format")
        return pin

    def chosen_resident(self) -> Resident:
        return self.residents[self.cleaned_data["resident"]]
