from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class HouseholdDeclarationForm(forms.Form):
    """Where no registry adapter says who lives together, the resident says it (declared)."""

    is_householder = forms.ChoiceField(
        label=_("Are you the head of your household (世帯主)?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you are the head of your household.")},
    )
    relationship = forms.CharField(
        label=_("Relationship to the head of the household"),
        help_text=_("As on your residence certificate, for example 世帯主, 妻, 子."),
        max_length=16,
        error_messages={"required": _("Enter your relationship to the head of the household.")},
    )
