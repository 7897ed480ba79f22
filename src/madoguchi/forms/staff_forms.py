"""Django forms of the staff pages (plain POST forms: no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from madoguchi.catalog.types import ApplicationLimit

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
    label = forms.CharField(label=pgettext_lazy("form item", "Label"), max_length=200)
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

    public_funds = forms.BooleanField(
        label=_("Offer the public funds receipt account"),
        required=False,
        help_text=_(
            "Residents who registered a public funds receipt account can choose it instead of "
            "typing an account."
        ),
    )

    def __init__(
        self, *args: Any, can_hide: bool = True, is_bank_account: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not can_hide:
            del self.fields["hidden"]
        if not is_bank_account:
            del self.fields["public_funds"]


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
    label = forms.CharField(label=pgettext_lazy("form item", "Label"), max_length=200)
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

    # Optional translations for residents who read English or やさしい日本語 (docs/i18n.md).
    label_en = forms.CharField(label=_("Label in English"), required=False, max_length=200)
    help_en = forms.CharField(
        label=_("Help text in English"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    options_en = forms.CharField(
        label=_("Options in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in the same order as the options above."),
    )
    label_easy = forms.CharField(label=_("Label in easy Japanese"), required=False, max_length=200)
    help_easy = forms.CharField(
        label=_("Help text in easy Japanese"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    options_easy = forms.CharField(
        label=_("Options in easy Japanese"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in the same order as the options above."),
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
        for name in ("options_en", "options_easy"):
            lines = [line for line in cleaned.get(name, "").splitlines() if line.strip()]
            if lines and len(lines) != len(options):
                self.add_error(
                    name,
                    ngettext(
                        "Give one translation per option: %(count)s line.",
                        "Give one translation per option: %(count)s lines.",
                        len(options),
                    )
                    % {"count": len(options)},
                )
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


class _FirstRadioSelect(forms.RadioSelect):
    """Radio buttons whose field id is the first button's, so that the error summary's link
    moves focus to the group (Django leaves a radio group without an id to link to)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


# "No limit" is stored as "" but posted as "none": an empty or missing answer is then an error
# at the field, never a silent switch-off of a campaign's limit.
NO_LIMIT = "none"

# One line under each choice: what it means for residents.
LIMIT_HINTS = {
    ApplicationLimit.NONE: _("A resident may apply as many times as needed."),
    ApplicationLimit.RESIDENT: _(
        "Each resident may hold one received application; a second one is refused with the "
        "receipt number of the first."
    ),
    ApplicationLimit.HOUSEHOLD: _(
        "The members of one household (世帯) share one application: once one member has "
        "applied, the others cannot. For benefits paid per household, e.g. 給付金."
    ),
}


def _posted(limit: str) -> str:
    return limit or NO_LIMIT


class ApplicationLimitForm(forms.Form):
    limit = forms.ChoiceField(
        label=_("How many applications are accepted"),
        choices=[(_posted(value), label) for value, label in ApplicationLimit.choices],
        widget=_FirstRadioSelect,
        error_messages={
            "required": _("Choose one of the application limits."),
            "invalid_choice": _("Choose one of the application limits."),
        },
    )

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        kwargs["initial"] = {"limit": _posted(current)}
        super().__init__(*args, **kwargs)

    def clean_limit(self) -> str:
        value = str(self.cleaned_data["limit"])
        return "" if value == NO_LIMIT else value

    def choices_with_hints(self) -> list[dict[str, Any]]:
        """Each radio button with its hint, for a template that renders the group itself."""
        hints = {_posted(value): hint for value, hint in LIMIT_HINTS.items()}
        return [
            {"radio": radio, "hint": hints[str(radio.data["value"])]}
            for radio in self["limit"].subwidgets
        ]


class RetentionForm(forms.Form):
    """The municipality's own 保存期間 for this procedure (docs/retention.md); empty = the
    standard one."""

    years = forms.IntegerField(
        label=_("Retention period in years after the decision"),
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": _("Enter the retention period as a whole number of years."),
            "min_value": _("Enter a retention period of 1 to 100 years."),
            "max_value": _("Enter a retention period of 1 to 100 years."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),  # styled like every text field
    )

    def __init__(self, *args: Any, standard: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["years"].help_text = _(
            "Leave empty to follow the standard period (%(years)s years). Applications are "
            "erased this many years after their decision unless on legal hold."
        ) % {"years": standard}
