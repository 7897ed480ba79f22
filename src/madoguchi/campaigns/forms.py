"""Forms of benefit campaigns: the definition (staff), the short bank form and the PIN
(resident), the payer of the transfer file and the 振込不能 upload (staff). Every error is
Japanese, at its field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from madoguchi.core import zengin

from .types import Applicant, Decision, Unit

DATE_INVALID = _("Enter the date as YYYY-MM-DD (e.g. 2026-04-01).")
WHOLE_YEN = _("Enter a whole number of yen (0 or more).")
AGE_INVALID = _("Enter an age in whole years (0 to 150).")
ACCOUNT_TYPES = [(1, _("Ordinary (普通)")), (2, _("Current (当座)")), (4, _("Savings (貯蓄)"))]


def _date(label: Any, required: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": required, "invalid": DATE_INVALID},
    )


def _yen(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100_000_000,
        initial=0,
        error_messages={
            "required": WHOLE_YEN,
            "invalid": WHOLE_YEN,
            "min_value": WHOLE_YEN,
            "max_value": _("Enter at most 100,000,000 yen."),
        },
    )


def _age(label: Any, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=150,
        error_messages={
            "required": AGE_INVALID,
            "invalid": AGE_INVALID,
            "min_value": AGE_INVALID,
            "max_value": AGE_INVALID,
        },
    )


class CampaignForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the benefit"),
        max_length=128,
        error_messages={
            "required": _("Enter the name of the benefit."),
            "max_length": _("Enter at most 128 characters."),
        },
    )
    base_date = _date(_("Base date (基準日)"), _("Enter the base date."))
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=Unit.choices,
        initial=Unit.HOUSEHOLD,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the unit.")},
    )
    age_min = _age(_("Age from (empty: no lower limit)"))
    age_max = _age(_("Age to (empty: no upper limit)"))
    tax_exempt = forms.BooleanField(
        label=_("Only those exempt from resident tax (住民税非課税)"), required=False
    )
    amount_per_household = _yen(_("Amount per household (yen)"))
    amount_per_person = _yen(_("Amount per person (yen)"))
    amount_per_child = _yen(_("Amount per child (yen)"))
    child_age_under = _age(_("A child is under (age)"), required=True)
    applicant = forms.ChoiceField(
        label=_("Who may confirm"),
        choices=Applicant.choices,
        initial=Applicant.HOUSEHOLDER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who may confirm.")},
    )
    opens_on = _date(_("Confirmation opens on"), _("Enter the first day of the period."))
    closes_on = _date(_("Confirmation closes on"), _("Enter the last day of the period."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child_age_under"].initial = 18

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", gettext("The upper age must not be below the lower age."))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", gettext("The period must end on or after its first day."))
        base = data.get("base_date")
        if base and closes and closes < base:
            self.add_error("closes_on", gettext("The period must end on or after the base date."))
        amounts = [
            data.get(k) for k in ("amount_per_household", "amount_per_person", "amount_per_child")
        ]
        if all(a is not None for a in amounts) and not any(amounts):
            self.add_error(
                "amount_per_household",
                gettext("Enter at least one amount (per household, per person or per child)."),
            )
        return data


class BankFields(forms.Form):
    """Bank, branch (checked against the zengin-code directory), type and number."""

    bank_code = forms.CharField(
        label=_("Bank code (4 digits)"),
        max_length=4,
        error_messages={"required": _("Enter the 4-digit bank code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    branch_code = forms.CharField(
        label=_("Branch code (3 digits)"),
        max_length=3,
        error_messages={"required": _("Enter the 3-digit branch code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_type = forms.TypedChoiceField(
        label=_("Account type"),
        choices=ACCOUNT_TYPES,
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the account type.")},
    )
    account_number = forms.CharField(
        label=_("Account number (7 digits)"),
        max_length=7,
        error_messages={"required": _("Enter the 7-digit account number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_bank_code(self) -> str:
        value = str(self.cleaned_data["bank_code"]).strip()
        if not re.fullmatch(r"\d{4}", value):
            raise forms.ValidationError(gettext("Enter the bank code as 4 digits (e.g. 0001)."))
        if zengin.bank(value) is None:
            raise forms.ValidationError(
                gettext("There is no bank with the code %(code)s.") % {"code": value}
            )
        return value

    def clean_branch_code(self) -> str:
        value = str(self.cleaned_data["branch_code"]).strip()
        if not re.fullmatch(r"\d{3}", value):
            raise forms.ValidationError(gettext("Enter the branch code as 3 digits (e.g. 001)."))
        return value

    def clean_account_number(self) -> str:
        value = str(self.cleaned_data["account_number"]).strip()
        if not re.fullmatch(r"\d{1,7}", value):
            raise forms.ValidationError(gettext("Enter the account number in digits (up to 7)."))
        return value.zfill(7)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bank, branch = data.get("bank_code"), data.get("branch_code")
        if bank and branch and zengin.branch(bank, branch) is None:
            self.add_error(
                "branch_code",
                gettext("The bank %(bank)s has no branch %(branch)s.")
                % {"bank": bank, "branch": branch},
            )
        return data


def _zengin_name(value: str) -> str:
    converted = zengin.to_zengin_kana(value.strip())
    problems = zengin.zengin_kana_problems(converted)
    if problems:
        raise forms.ValidationError(
            gettext("Banks cannot take these characters in a name: %(chars)s. Write it in kana.")
            % {"chars": "、".join(problems)}
        )
    return converted


class BankAccountForm(BankFields):
    """The short form for a resident without a 公金受取口座 (prefilled with their kana)."""

    holder_kana = forms.CharField(
        label=_("Account holder (kana, as the bank has it)"),
        max_length=48,
        error_messages={"required": _("Enter the account holder's name in kana.")},
    )

    def clean_holder_kana(self) -> str:
        return _zengin_name(str(self.cleaned_data["holder_kana"]))


class PinForm(forms.Form):
    """The 署名用 PIN. Never echoed back, never autocompleted, never stored."""

    pin = forms.CharField(
        label=_("Signing PIN (6 to 16 letters and digits)"),
        strip=True,
        max_length=64,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your signing PIN.")},
    )


class BankAndPinForm(BankAccountForm, PinForm):
    field_order = [
        "bank_code",
        "branch_code",
        "account_type",
        "account_number",
        "holder_kana",
        "pin",
    ]


class PayerForm(BankFields):
    """The payer (委託者) of a transfer file: the municipality's account at its bank."""

    field_order = [
        "transfer_date",
        "requester_code",
        "requester_name_kana",
        "bank_code",
        "branch_code",
        "account_type",
        "account_number",
    ]
    transfer_date = _date(_("Transfer date"), _("Enter the transfer date."))
    requester_code = forms.CharField(
        label=_("Requester code (委託者コード, 10 digits)"),
        max_length=10,
        error_messages={"required": _("Enter the 10-digit requester code.")},
    )
    requester_name_kana = forms.CharField(
        label=_("Requester name (kana)"),
        max_length=40,
        error_messages={"required": _("Enter the requester's name in kana.")},
    )

    def clean_requester_code(self) -> str:
        value = str(self.cleaned_data["requester_code"]).strip()
        if not re.fullmatch(r"\d{10}", value):
            raise forms.ValidationError(gettext("Enter the requester code as 10 digits."))
        return value

    def clean_requester_name_kana(self) -> str:
        return _zengin_name(str(self.cleaned_data["requester_name_kana"]))


class UnpaidForm(forms.Form):
    file = forms.FileField(
        label=_("振込不能 result file from the bank"),
        error_messages={"required": _("Choose the result file to import.")},
    )


class DecisionForm(forms.Form):
    """支給する / 支給しない for one flagged household; 支給しない needs a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.PAY, Decision.PAY.label), (Decision.REFUSE, Decision.REFUSE.label)],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to pay."),
            "invalid_choice": _("Choose whether to pay."),
        },
    )
    reason = forms.CharField(
        label=_("Reason (required for 支給しない; the household is told)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Enter at most 500 characters.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.REFUSE and not str(data.get("reason") or "").strip():
            self.add_error("reason", gettext("Enter why this household is not paid."))
        return data


class CancelFileForm(forms.Form):
    not_sent = forms.BooleanField(
        label=_(
            "I confirmed that the file was not sent to the bank "
            "(銀行に送っていないことを確認しました)"
        ),
        required=False,
    )
