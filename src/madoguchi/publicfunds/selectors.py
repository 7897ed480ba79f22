"""Reads of 公金受取口座 for other apps. They write no audit event themselves: a caller that
shows an account to a person records the view (services.account_viewed); a batch job (a
payment file) audits the job."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet

from .models import Account, AccountEvent
from .types import AccountType, AccountView

BATCH = 900  # below SQLite's 999 variables of old builds


def _view(account: Account) -> AccountView:
    return AccountView(
        resident_id=account.resident_id,
        bank_code=account.bank_code,
        bank_name=account.bank_name,
        branch_code=account.branch_code,
        branch_name=account.branch_name,
        account_type=account.account_type,
        account_type_label=str(AccountType(account.account_type).label),
        number=account.number,
        holder_kana=account.holder_kana,
        registered_at=account.changed_at,
    )


def account_for_resident(resident_id: int) -> AccountView | None:
    account = Account.objects.filter(resident_id=resident_id).first()
    return _view(account) if account is not None else None


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, BATCH)):
        yield chunk


def accounts_for_residents(resident_ids: Iterable[int]) -> dict[int, AccountView]:
    """The accounts of many residents, in batches of 900 ids (one query each): residents
    without an account are absent. For 45,000 households: 50 queries."""
    found: dict[int, AccountView] = {}
    for chunk in _chunks(resident_ids):
        for account in Account.objects.filter(resident_id__in=chunk).order_by():
            found[account.resident_id] = _view(account)
    return found


def account_history(resident_id: int) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(resident_id=resident_id)


def has_account(resident_id: int) -> bool:
    return Account.objects.filter(resident_id=resident_id).exists()
