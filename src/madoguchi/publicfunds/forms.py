"""The resident's account form (works without JavaScript: a typed bank or branch name that
matches several is answered with a list to pick from) and the PIN form of the signing step."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madoguchi.core import zengin

from .checking import AccountInvalid, CheckedAccount, account_details_check
from .types import AccountDetails, AccountType

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

CANDIDATES = 20


def _same(typed: str, name: str, kana: str) -> bool:
    """The typed text is the name or the reading exactly (any width, hiragana or katakana)."""
    return unicodedata.normalize("NFKC", name) == typed or zengin.to_zengin_kana(
        typed
    ) == zengin.to_zengin_kana(kana)


def _text_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"spellcheck": "false", **attrs})


class AccountForm(forms.Form):
    bank = forms.CharField(
        label=gettext_lazy("Bank"),
        help_text=gettext_lazy("The bank's name (e.g. みずほ) or its 4-digit code."),
        max_length=40,
        required=False,
        widget=_text_input(autocomplete="off"),
    )
    # Shown only when a typed name matches several (the choices are those matches).
    bank_code = forms.CharField(
        label=gettext_lazy("Choose your bank"), required=False, widget=forms.RadioSelect
    )
    branch = forms.CharField(
        label=gettext_lazy("Branch"),
        help_text=gettext_lazy("The branch's name or its 3-digit code (on your passbook)."),
        max_length=40,
        required=False,
        widget=_text_input(autocomplete="off"),
    )
    # Shown only when a typed name matches several (the choices are those matches).
    branch_code = forms.CharField(
        label=gettext_lazy("Choose your branch"), required=False, widget=forms.RadioSelect
    )
    account_type = forms.ChoiceField(
        label=gettext_lazy("Account type"),
        required=False,
        widget=forms.RadioSelect,
        choices=AccountType.choices,
    )
    number = forms.CharField(
        label=gettext_lazy("Account number"),
        help_text=gettext_lazy("Up to 7 digits. A shorter number is filled with zeros in front."),
        max_length=20,
        required=False,
        widget=_text_input(inputmode="numeric", autocomplete="off"),
    )
    holder = forms.CharField(
        label=gettext_lazy("Account holder (kana)"),
        help_text=gettext_lazy(
            "As the bank has it (passbook, cash card), in hiragana or katakana. It is stored in "
            "the half-width kana banks use."
        ),
        max_length=80,
        required=False,
        widget=_text_input(autocomplete="off"),
    )
    confirm_name = forms.BooleanField(
        label=gettext_lazy("The account holder's name is right"),
        required=False,
    )

    def __init__(self, *args: Any, resident: Resident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.checked: CheckedAccount | None = None
        self.name_warning = ""

    # The lists to pick from, filled when a typed name matches several.
    def _offer(self, field: str, choices: list[tuple[str, str]]) -> None:
        self.fields[field].widget.choices = choices

    @property
    def bank_choices(self) -> bool:
        return bool(self.fields["bank_code"].widget.choices)

    @property
    def branch_choices(self) -> bool:
        return bool(self.fields["branch_code"].widget.choices)

    def _resolve_bank(self, text: str, picked: str) -> tuple[str, str]:
        """(code, error): a typed code, a pick from the offered list, the one bank the name
        names, else an error and the list."""
        folded = unicodedata.normalize("NFKC", text).strip()
        if re.fullmatch(r"\d{4}", folded):
            return folded, ""
        if not folded:
            return "", ""  # account_details_check says what to enter
        found = zengin.banks_search(folded, limit=CANDIDATES)
        if picked and any(b.code == picked for b in found):
            return picked, ""
        exact = [b for b in found if _same(folded, b.name, b.kana)]
        if len(exact) == 1:
            return exact[0].code, ""
        if len(found) == 1:
            return found[0].code, ""
        if not found:
            return "", _(
                "No bank matches “%(text)s”. Check the name, or enter the bank's 4-digit code."
            ) % {"text": text}
        self._offer("bank_code", [(b.code, f"{b.name}（{b.code}）") for b in found])
        return "", _("Several banks match “%(text)s”: choose yours from the list below.") % {
            "text": text
        }

    def _resolve_branch(self, bank_code: str, text: str, picked: str) -> tuple[str, str]:
        folded = unicodedata.normalize("NFKC", text).strip()
        if re.fullmatch(r"\d{3}", folded) or not folded:
            return folded, ""
        found = zengin.branches_search(bank_code, folded, limit=CANDIDATES)
        if picked and any(b.code == picked for b in found):
            return picked, ""
        exact = [b for b in found if _same(folded, b.name, b.kana)]
        if len(exact) == 1:
            return exact[0].code, ""
        if len(found) == 1:
            return found[0].code, ""
        bank = zengin.bank(bank_code)
        if not found:
            return "", _(
                "%(bank)s has no branch matching “%(text)s”. Check the name, or enter the "
                "3-digit branch code."
            ) % {"bank": bank.name if bank else bank_code, "text": text}
        self._offer("branch_code", [(b.code, f"{b.name}（{b.code}）") for b in found])
        return "", _("Several branches match “%(text)s”: choose yours from the list below.") % {
            "text": text
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = self.data
        bank_text = str(data.get("bank") or "")
        bank_code, bank_error = self._resolve_bank(bank_text, str(raw.get("bank_code") or ""))
        branch_code, branch_error = "", ""
        if bank_code and zengin.bank(bank_code) is not None:
            branch_code, branch_error = self._resolve_branch(
                bank_code, str(data.get("branch") or ""), str(raw.get("branch_code") or "")
            )
        errors: dict[str, str] = {}
        try:
            self.checked = account_details_check(
                resident=self.resident,
                bank_code=bank_code or ("" if bank_error else bank_text),
                branch_code=branch_code,
                account_type=str(data.get("account_type") or ""),
                number=str(data.get("number") or ""),
                holder=str(data.get("holder") or ""),
            )
        except AccountInvalid as invalid:
            errors = dict(invalid.errors)
        if bank_error:
            errors["bank"] = bank_error
            errors.pop("branch", None)  # no bank yet: the branch cannot be checked
        if branch_error:
            errors["branch"] = branch_error
        for field, message in errors.items():
            self.add_error(field, message)
        if self.checked is not None and not errors:
            self.name_warning = self.checked.name_warning
        return data

    @property
    def needs_name_confirmation(self) -> bool:
        return bool(self.name_warning) and not self.cleaned_data.get("confirm_name")

    @staticmethod
    def initial_for(details: AccountDetails) -> dict[str, str]:
        return {
            "bank": details.bank_name,
            "branch": details.branch_name,
            "account_type": str(details.account_type),
            "number": details.number,
            "holder": zengin.zengin_kana_display(details.holder_kana),
        }


class PinForm(forms.Form):
    """The 署名用 PIN. Never echoed back, never autocompleted, never stored."""

    pin = forms.CharField(
        label=gettext_lazy("Signing PIN (6 to 16 letters and digits)"),
        help_text=gettext_lazy(
            "The PIN you set for the signing certificate when you received your My Number Card."
        ),
        strip=True,
        max_length=64,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Enter your signing PIN.")},
    )
