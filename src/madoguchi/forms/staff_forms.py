"""Django forms of the staff pages (plain POST forms: no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

ADDABLE_TYPES = [
    ("text", _("Text (one line)")),
    ("textarea", _("Text (several lines)")),
    ("number", _("Whole number")),
    ("date", _("Date (和暦 or 西暦)")),
    ("phone", _("Telephone number")),
    ("email", _("Email address")),
    ("radio", _("Choose one (radio buttons)")),
    ("select", _("Choose one (list)")),
    ("checkbox", _("Choose any (checkboxes)")),
    ("consent", _("Consent (one checkbox)")),
    ("file", _("Attachment (PDF, JPEG, PNG)")),
    ("guidance", _("Guidance text (no answer)")),
]
CHOICE_TYPES = {"radio", "select", "checkbox"}


class ItemEditForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200)
    help = forms.CharField(
        label=_("Help text"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    hidden = forms.BooleanField(
        label=_("Hide this item"),
        required=False,
        help_text=_(
            "Only optional items can be hidden. Required standard items cannot be removed."
        ),
    )

    def __init__(self, *args: Any, can_hide: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_hide:
            del self.fields["hidden"]


class ItemAddForm(forms.Form):
    page = forms.ChoiceField(label=_("Page"))
    code = forms.RegexField(
        label=_("Item code"),
        max_length=60,
        regex=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
        help_text=_(
            "Lower-case letters, digits and underscores, e.g. parking_permit. It is "
            "saved as local.<code> so it never clashes with a standard item."
        ),
        error_messages={
            "invalid": _(
                "Use lower-case letters, digits and underscores only, starting with a letter."
            )
        },
    )
    type = forms.ChoiceField(label=_("Kind of answer"), choices=ADDABLE_TYPES)
    label = forms.CharField(label=_("Label"), max_length=200)
    help = forms.CharField(
        label=_("Help text"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choices only: one option per line."),
    )

    def __init__(self, *args: Any, pages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = pages  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        options = [line.strip() for line in cleaned.get("options", "").splitlines() if line.strip()]
        if cleaned.get("type") in CHOICE_TYPES and len(options) < 2:
            self.add_error("options", _("Enter at least two options, one per line."))
        elif cleaned.get("type") not in CHOICE_TYPES and options:
            self.add_error("options", _("Only choices have options. Leave this empty."))
        if cleaned.get("type") == "guidance" and cleaned.get("required"):
            self.add_error("required", _("Guidance text has no answer, so it cannot be required."))
        cleaned["option_list"] = options
        return cleaned


class NotesForm(forms.Form):
    contact = forms.CharField(
        label=_("Contact"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. 千代田区 防災課 03-1234-5678（平日 8:30〜17:15）"),
    )
    fees = forms.CharField(
        label=_("Fees"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadlines = forms.CharField(
        label=_("Deadlines"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
