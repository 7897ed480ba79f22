"""Staff forms of the notices app; their errors are shown at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.notices.services import link_is_safe


class WordingForm(forms.Form):
    subject = forms.CharField(label=pgettext_lazy("notices", "Subject"), max_length=200)
    body = forms.CharField(
        label=pgettext_lazy("notices", "Body"), widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args: Any, variables: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = "、".join("{" + name + "}" for name in variables) or "—"
        self.fields["body"].help_text = _("Variables you can use: %(known)s") % {"known": known}


class SegmentSendForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"))
    target = forms.ChoiceField(label=pgettext_lazy("notices", "Send to"))
    subject = forms.CharField(label=pgettext_lazy("notices", "Subject"), max_length=200)
    body = forms.CharField(
        label=pgettext_lazy("notices", "Text"), widget=forms.Textarea(attrs={"rows": 8})
    )
    link = forms.CharField(
        label=_("Link (a page of this site, optional)"),
        required=False,
        max_length=500,
        help_text=_("A path starting with /, e.g. /procedures/"),
    )
    send_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        municipalities: list[tuple[str, str]],
        targets: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ChoiceField)
        municipality.choices = municipalities
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = targets

    def clean_link(self) -> str:
        link: str = self.cleaned_data.get("link", "").strip()
        if not link_is_safe(link):
            raise forms.ValidationError(
                _("Enter a path of this site starting with / (not another site's address).")
            )
        return link
