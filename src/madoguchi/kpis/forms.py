from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.kpis.counter_csv import MAX_COUNT, parse_month


class CounterCountForm(forms.Form):
    procedure_code = forms.ChoiceField(label=pgettext_lazy("figures", "Procedure"))
    month = forms.CharField(label=_("Month"), help_text=_("YYYY-MM, e.g. 2026-04"), max_length=7)
    count = forms.IntegerField(
        label=_("Applications received at the counter"),
        min_value=0,
        max_value=MAX_COUNT,
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter 0 or more."),
            "max_value": _("The number is too large."),
        },
    )

    def __init__(self, *args: object, procedures: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["procedure_code"].choices = procedures  # type: ignore[attr-defined]

    def clean_month(self) -> datetime.date:
        month = parse_month(self.cleaned_data["month"].strip())
        if month is None:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-04."))
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("The month is in the future."))
        return month


class CounterUploadForm(forms.Form):
    file = forms.FileField(
        # A context: another app's catalogue (vaccinations) says "CSVファイル", and the first
        # catalogue wins; this page says "CSV ファイル" as its heading does.
        label=pgettext_lazy("kpis", "CSV file"),
        help_text=_(
            "Columns municipality_code, procedure_code, month (YYYY-MM) and count; UTF-8 or "
            "Shift_JIS."
        ),
    )
