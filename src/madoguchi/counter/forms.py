"""Forms of the counter pages: finding the resident who is present, registering a paper form."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResidentLookupForm(forms.Form):
    """Who is at the counter: as on their My Number Card (name as written, date of birth)."""

    family_name = forms.CharField(
        label=_("Family name"),
        max_length=64,
        error_messages={"required": _("Enter the family name as on the card.")},
    )
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=64,
        error_messages={"required": _("Enter the given name as on the card.")},
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 1950-01-20."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date of birth."),
            "invalid": _("Enter the date of birth as year-month-day, for example 1950-01-20."),
        },
    )


class PaperForm(forms.Form):
    """A paper application keyed in at the counter: the day it was received, and its scan."""

    received_on = forms.DateField(
        label=_("Date the paper application was received"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date the paper application was received."),
            "invalid": _("Enter the date as year-month-day, for example 2026-12-03."),
        },
    )
    scan = forms.FileField(
        label=_("Scan of the paper application (PDF, optional)"),
        required=False,
    )

    def clean_received_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return value

    def clean_scan(self) -> object:
        scan = self.cleaned_data.get("scan")
        if scan is None:
            return None
        head = scan.read(5)
        scan.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("Attach the scan as a PDF file."))
        if scan.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The scan is larger than 20 MB."))
        return scan
