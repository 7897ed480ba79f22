from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.municipalities.selectors import municipality_get
from madoguchi.municipalities.validators import validate_local_government_code

from .types import MAX_DOSE, PRODUCT_CHOICES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 (with or without BOM) or Shift_JIS (cp932). The header row names the columns."
        ),
        error_messages={"required": _("Choose the CSV file to upload.")},
    )

    def clean_file(self) -> object:
        file = self.cleaned_data["file"]
        if not (file.name or "").lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a file whose name ends in .csv."))
        return file


class ConfirmForm(forms.Form):
    confirm_partial = forms.BooleanField(
        label=_("Register only the rows without errors"),
        required=False,
    )


class RecordFields(forms.Form):
    product = forms.ChoiceField(label=_("Vaccine"), choices=PRODUCT_CHOICES)
    lot = forms.RegexField(
        label=_("Lot number"),
        regex=r"^[0-9A-Za-z\-]{1,32}$",
        error_messages={
            "invalid": _("Enter the lot number (up to 32 letters, digits or hyphens)."),
            "required": _("Enter the lot number."),
        },
    )
    dose_number = forms.IntegerField(
        label=_("Dose"),
        min_value=1,
        max_value=MAX_DOSE,
        error_messages={"required": _("Enter the dose.")},
    )
    administered_on = forms.DateField(
        label=_("Date of vaccination"),
        help_text=_("e.g. 2026-04-01"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={
            "invalid": _("Enter the date as YYYY-MM-DD (e.g. 2026-04-01)."),
            "required": _("Enter the date of vaccination."),
        },
    )
    site_code = forms.RegexField(
        label=_("Medical institution code"),
        regex=r"^\d{10}$",
        error_messages={
            "invalid": _("Enter the 10-digit medical institution code."),
            "required": _("Enter the 10-digit medical institution code."),
        },
    )


class CorrectionForm(RecordFields):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        error_messages={"required": _("Enter the reason for the correction.")},
    )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        max_length=500,
        error_messages={"required": _("Enter the reason for voiding the record.")},
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, kana or voucher number"), required=False, max_length=64)


class CountsForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        input_formats=["%Y-%m-%d"],
        required=False,
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD (e.g. 2026-04-01).")},
    )
    end = forms.DateField(
        label=_("To"),
        input_formats=["%Y-%m-%d"],
        required=False,
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD (e.g. 2026-04-01).")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and start > end:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class TransferForm(forms.Form):
    from_municipality = forms.RegexField(
        label=_("Former municipality (local government code)"),
        regex=r"^\d{6}$",
        help_text=_("The 6-digit code, e.g. 141003 for Yokohama."),
        error_messages={
            "invalid": _("Enter the 6-digit municipality code."),
            "required": _("Enter the 6-digit municipality code."),
        },
        validators=[validate_local_government_code],
    )

    def clean_from_municipality(self) -> str:
        code: str = self.cleaned_data["from_municipality"]
        if municipality_get(code=code) is None:
            raise forms.ValidationError(_("No municipality has this code."))
        return code


class PinForm(forms.Form):
    """The 署名用 PIN, never echoed back or stored."""

    pin = forms.CharField(
        label=_("Signing PIN (6 to 16 letters and digits)"),
        strip=True,
        max_length=64,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your signing PIN.")},
    )


class VerifyForm(forms.Form):
    text = forms.CharField(
        label=_("Text read from the QR code (shc:/…)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    image = forms.ImageField(
        label=_("Or an image of the QR code"),
        required=False,
        error_messages={"invalid_image": _("Choose an image file (PNG or JPEG).")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("image") and not self.errors:
            self.add_error("text", _("Paste the text of the QR code, or choose an image of it."))
        return data
