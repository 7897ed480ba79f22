from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PinForm(forms.Form):
    """The 署名用 PIN. Never echoed back, never autocompleted, never stored."""

    pin = forms.CharField(
        label=_("Signing PIN (6 to 16 letters and digits)"),
        help_text=_(
            "The PIN you set for the signing certificate when you received your My Number Card."
        ),
        strip=True,
        max_length=64,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your signing PIN.")},
    )
