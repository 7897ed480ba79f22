"""The public shapes of 公金受取口座 (public funds receipt account) for other apps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy

from madoguchi.core import zengin


class AccountType(models.IntegerChoices):
    """預金種目 with the 全銀 codes (1 普通, 2 当座, 4 貯蓄)."""

    ORDINARY = zengin.ACCOUNT_ORDINARY, pgettext_lazy("account type", "Ordinary")
    CURRENT = zengin.ACCOUNT_CURRENT, pgettext_lazy("account type", "Current")
    SAVINGS = zengin.ACCOUNT_SAVINGS, pgettext_lazy("account type", "Savings")


class AccountAction(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("account history", "Registered")
    CHANGED = "changed", pgettext_lazy("account history", "Changed")
    REMOVED = "removed", pgettext_lazy("account history", "Removed")


@dataclass(frozen=True)
class AccountDetails:
    """What a resident registers: checked against the bank directory, number zero-padded to 7
    digits, holder in 全銀 half-width kana."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int
    number: str
    holder_kana: str


@dataclass(frozen=True)
class AccountView:
    """A resident's registered account, as other apps read it."""

    resident_id: int
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int
    account_type_label: str
    number: str
    holder_kana: str
    registered_at: datetime.datetime

    @property
    def details(self) -> AccountDetails:
        return AccountDetails(
            bank_code=self.bank_code,
            bank_name=self.bank_name,
            branch_code=self.branch_code,
            branch_name=self.branch_name,
            account_type=self.account_type,
            number=self.number,
            holder_kana=self.holder_kana,
        )
