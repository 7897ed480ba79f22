"""Helpers for tests, demos and benchmarks (only tests and demo commands import this): a valid
account for a resident without the browser."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from madoguchi.core import zengin

from .models import Account, AccountEvent
from .selectors import _view
from .types import AccountAction, AccountDetails, AccountType, AccountView

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

DEMO_PIN = "MADO2026"


def details_for(
    resident: Resident,
    *,
    bank_code: str = "0001",
    branch_code: str = "001",
    account_type: int = AccountType.ORDINARY,
    number: str | None = None,
    holder_kana: str | None = None,
) -> AccountDetails:
    bank = zengin.bank(bank_code)
    branch = zengin.branch(bank_code, branch_code)
    if bank is None or branch is None:
        raise ValueError(f"no branch {bank_code}-{branch_code} in zengin-code")
    holder = holder_kana or zengin.to_zengin_kana(
        f"{resident.family_name_kana} {resident.given_name_kana}"
    )
    return AccountDetails(
        bank_code=bank.code,
        bank_name=bank.name,
        branch_code=branch.code,
        branch_name=branch.name,
        account_type=int(account_type),
        number=(number or f"{resident.pk % 10_000_000:07d}").zfill(7),
        holder_kana=zengin.to_zengin_kana(holder),
    )


def account_for(
    resident: Resident,
    *,
    signed: bool = False,
    pin: str = DEMO_PIN,
    **details: object,
) -> AccountView:
    """A valid account for `resident` (bank みずほ 東京営業部, 普通, a number from the resident's
    id, the holder from their kana unless given). `signed=True` goes through
    services.account_register with the resident's virtual card (needs the `pki` fixture);
    otherwise the rows are written directly (fast: for benchmarks of 45,000 households)."""
    account_details = details_for(resident, **details)  # type: ignore[arg-type]
    if signed:
        from .services import account_register

        return account_register(resident=resident, user=None, details=account_details, pin=pin)
    now = timezone.now()
    fields = {
        "bank_code": account_details.bank_code,
        "bank_name": account_details.bank_name,
        "branch_code": account_details.branch_code,
        "branch_name": account_details.branch_name,
        "account_type": account_details.account_type,
        "number": account_details.number,
        "holder_kana": account_details.holder_kana,
    }
    account, _created = Account.objects.update_or_create(
        resident=resident,
        defaults={**fields, "registered_at": now, "changed_at": now, "signature_evidence": ""},
    )
    AccountEvent.objects.create(
        resident=resident, action=AccountAction.REGISTERED, at=now, **fields
    )
    return _view(account)


def accounts_bulk_for(residents: Iterable[Resident], *, batch_size: int = 2000) -> int:
    """Unsigned accounts for many residents at once (benchmarks): bulk inserts, no history."""
    now = timezone.now()
    batch: list[Account] = []
    created = 0
    for resident in residents:
        d = details_for(resident)
        batch.append(
            Account(
                resident=resident,
                registered_at=now,
                changed_at=now,
                signature_evidence="",
                bank_code=d.bank_code,
                bank_name=d.bank_name,
                branch_code=d.branch_code,
                branch_name=d.branch_name,
                account_type=d.account_type,
                number=d.number,
                holder_kana=d.holder_kana,
            )
        )
        if len(batch) >= batch_size:
            Account.objects.bulk_create(batch, ignore_conflicts=True)
            created += len(batch)
            batch = []
    if batch:
        Account.objects.bulk_create(batch, ignore_conflicts=True)
        created += len(batch)
    return created
