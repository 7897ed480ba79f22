from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from madoguchi.accounts.types import Gender
from madoguchi.idp import conf
from madoguchi.idp.selectors import Person


def person_label(person: Person) -> str:
    if not person.birth_date_iso:
        return person.name
    born = formats.date_format(datetime.date.fromisoformat(person.birth_date_iso), "DATE_FORMAT")
    return str(_("%(name)s (born %(date)s)") % {"name": person.name, "date": born})


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

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.subject: p for p in people}
        resident_field = self.fields["resident"]
        assert isinstance(resident_field, forms.ChoiceField)
        resident_field.choices = [
            ("", _("Choose a resident")),
            *[(subject, person_label(p)) for subject, p in self.people.items()],
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

    def chosen_subject(self) -> str:
        subject: str = self.cleaned_data["resident"]
        return subject


class NewPersonForm(forms.Form):
    """A fictional person for the development IdP (someone the platform has never seen)."""

    family_name = forms.CharField(label=_("Family name"), max_length=64)
    given_name = forms.CharField(label=_("Given name"), max_length=64)
    family_name_kana = forms.CharField(label=_("Family name (kana)"), max_length=128)
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=128)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 1990-04-01."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[
            (Gender.MALE.value, Gender.MALE.label),
            (Gender.FEMALE.value, Gender.FEMALE.label),
        ],
        widget=forms.RadioSelect,
    )
    postal_code = forms.CharField(
        label=_("Postal code"), help_text=_("7 digits, for example 100-0013."), max_length=8
    )
    address = forms.CharField(
        label=_("Address"),
        help_text=_(
            "From the prefecture to the building, for example 東京都千代田区霞が関一丁目1番1号."
        ),
        max_length=200,
    )

    def clean_postal_code(self) -> str:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", self.cleaned_data["postal_code"]))
        if len(digits) != 7:
            raise forms.ValidationError(_("Enter the postal code as 7 digits."), code="format")
        return digits
