"""The checks of an account a resident types: each bad input gets a message for its own field
(Japanese through the catalogue), never one message for the whole form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from madoguchi.core import zengin

from .types import AccountDetails, AccountType

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

HOLDER_MAX = 30  # the 受取人名 field of a 全銀 data record


class AccountInvalid(ValueError):
    """`errors` maps a field (bank, branch, account_type, number, holder) to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CheckedAccount:
    details: AccountDetails
    # Not an error: the holder differs from the resident's own kana (e.g. after marriage).
    name_warning: str = ""


def resident_kana(resident: Resident) -> str:
    """The resident's name in 全銀 kana, from the resident record (family, space, given)."""
    return zengin.to_zengin_kana(f"{resident.family_name_kana} {resident.given_name_kana}")


def _compact(text: str) -> str:
    return text.replace(" ", "")


def account_details_check(
    *,
    resident: Resident,
    bank_code: str,
    branch_code: str,
    account_type: str | int,
    number: str,
    holder: str,
) -> CheckedAccount:
    """Check what the resident gave (codes resolved already: the form turns a typed bank name
    into its code). Raises AccountInvalid with one message per bad field."""
    errors: dict[str, str] = {}
    bank_code = unicodedata.normalize("NFKC", str(bank_code)).strip()
    branch_code = unicodedata.normalize("NFKC", str(branch_code)).strip()
    bank = zengin.bank(bank_code) if re.fullmatch(r"\d{4}", bank_code) else None
    if bank is None:
        errors["bank"] = (
            _("No bank has the code %(code)s. Enter the bank's name or its 4-digit code.")
            % {"code": bank_code}
            if bank_code
            else _("Enter the bank's name or its 4-digit code.")
        )
    branch = None
    if bank is not None:
        branch = (
            zengin.branch(bank_code, branch_code) if re.fullmatch(r"\d{3}", branch_code) else None
        )
        if branch is None:
            errors["branch"] = (
                _("%(bank)s has no branch with the code %(code)s.")
                % {"bank": bank.name, "code": branch_code}
                if branch_code
                else _("Enter the branch's name or its 3-digit code.")
            )
    try:
        kind = int(account_type)
    except (TypeError, ValueError):
        kind = 0
    if kind not in AccountType.values:
        errors["account_type"] = _("Choose the account type.")
    digits = unicodedata.normalize("NFKC", str(number)).strip().replace("-", "")
    if not digits:
        errors["number"] = _("Enter the account number.")
    elif not digits.isascii() or not digits.isdigit():
        errors["number"] = _("Enter the account number in digits only (no letters).")
    elif len(digits) > 7:
        errors["number"] = _("The account number has at most 7 digits.")
    holder_kana = zengin.to_zengin_kana(str(holder))
    problems = zengin.zengin_kana_problems(str(holder))
    if not holder_kana:
        errors["holder"] = _("Enter the account holder's name in kana.")
    elif problems:
        errors["holder"] = _(
            "These characters cannot be used in a bank account name: %(chars)s. "
            "Enter the name in kana as the bank has it."
        ) % {"chars": "「" + "」「".join(problems) + "」"}
    elif len(holder_kana) > HOLDER_MAX:
        errors["holder"] = _(
            "The account holder's name is %(n)d characters long in half-width kana; banks "
            "take at most %(max)d."
        ) % {"n": len(holder_kana), "max": HOLDER_MAX}
    if errors or bank is None or branch is None:
        raise AccountInvalid(errors)
    warning = ""
    own = resident_kana(resident)
    if own and _compact(own) != _compact(holder_kana):
        warning = _(
            "The account holder %(holder)s is not your name as registered (%(own)s). Payments "
            "fail if the name differs from the bank's. If it is right (for example, after a "
            "change of name), tick the box to confirm."
        ) % {
            "holder": zengin.zengin_kana_display(holder_kana),
            "own": zengin.zengin_kana_display(own),
        }
    return CheckedAccount(
        details=AccountDetails(
            bank_code=bank.code,
            bank_name=bank.name,
            branch_code=branch.code,
            branch_name=branch.name,
            account_type=kind,
            number=digits.zfill(7),
            holder_kana=holder_kana,
        ),
        name_warning=warning,
    )
