"""Forms of the console. Plain GET/POST forms: everything works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.applications import receipts
from madoguchi.applications.types import Status
from madoguchi.reception.selectors import InboxFilter
from madoguchi.reception.services import STAFF_STATUSES

RECEIVED_STATUSES = [(s.value, s.label) for s in Status if s != Status.DRAFT]
SORT_CHOICES = [
    ("-submitted", _("Newest first")),
    ("submitted", _("Oldest first")),
    ("-updated", _("Recently updated")),
    ("receipt", _("Receipt number")),
    ("procedure", pgettext_lazy("reception", "Procedure")),
    ("status", _("Status")),
]


def _validate_receipt(value: str) -> None:
    if value and not receipts.is_valid(value):
        raise forms.ValidationError(
            _("“%(value)s” is not a receipt number. It has 9 characters, like ABCD-EFGH-J."),
            params={"value": value},
            code="receipt",
        )


class InboxFilterForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        required=False,
        max_length=20,
        validators=[_validate_receipt],
        help_text=_("Example: ABCD-EFGH-J"),
    )
    name = forms.CharField(
        label=_("Applicant's name"),
        required=False,
        max_length=60,
        help_text=_("Kanji, hiragana or katakana; part of the name is enough."),
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=RECEIVED_STATUSES,
        widget=forms.CheckboxSelectMultiple,
    )
    procedure = forms.ChoiceField(
        label=pgettext_lazy("reception", "Procedure"), required=False, choices=[]
    )
    submitted_from = forms.DateField(
        label=_("Received on or after"),
        required=False,
        help_text=_("Example: 2026-04-01"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = forms.DateField(
        label=_("Received on or before"),
        required=False,
        help_text=_("Example: 2026-04-30"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet"))],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, procedures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("All procedures")), *procedures]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error(
                "submitted_to",
                forms.ValidationError(
                    _("The end date is before the start date."), code="date_order"
                ),
            )
        return cleaned

    def to_filter(self, *, user_id: int) -> InboxFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        assignee = data.get("assignee") or ""
        return InboxFilter(
            statuses=tuple(data.get("status") or ()),
            procedure_code=data.get("procedure") or "",
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            receipt_number=data.get("receipt_number") or "",
            name=data.get("name") or "",
            assignee_id=user_id if assignee == "me" else None,
            unassigned=assignee == "none",
            sort=data.get("sort") or "-submitted",
        )


STATUS_CHOICES = [(s.value, s.label) for s in STAFF_STATUSES]


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("New status"), choices=STATUS_CHOICES, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        max_length=2000,
        help_text=_(
            "Sent by e-mail and shown on the applicant's page. Required when returning an "
            "application for correction: say what to correct."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("to_status") == Status.RETURNED
            and not (cleaned.get("message") or "").strip()
        ):
            self.add_error(
                "message",
                forms.ValidationError(
                    _("Tell the applicant what to correct."), code="message_required"
                ),
            )
        return cleaned


class BulkStatusForm(StatusChangeForm):
    receipts = forms.MultipleChoiceField(
        label=_("Applications"), choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, receipt_choices: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any well-formed receipt is accepted here; the service scopes them to the user's
        # municipalities and reports the ones it could not change.
        name = self.add_prefix("receipts")
        posted = self.data.getlist(name) if hasattr(self.data, "getlist") else []
        self.fields["receipts"].choices = [(r, r) for r in (receipt_choices or posted)]  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment for staff"),
        max_length=4000,
        help_text=_("Only staff see comments; the applicant does not."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the legal hold"),
        max_length=500,
        help_text=_(
            "For example: 審査請求中, 訴訟対応, 会計検査. It is kept in the audit log: write no "
            "personal data in it."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, choices=[])

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *staff]  # type: ignore[attr-defined]


class AuditSearchForm(forms.Form):
    action = forms.CharField(
        label=_("Action"), required=False, max_length=64, help_text=_("Example: reception.")
    )
    actor = forms.CharField(label=_("Staff member"), required=False, max_length=150)
    object_id = forms.CharField(label=_("Receipt number"), required=False, max_length=64)
    occurred_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
