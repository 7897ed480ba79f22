"""「公金受取口座を利用する」 in the application flow (docs/public-funds-account.md, ADR 0021).

A `bank_account` item with "public_funds" offers the resident's registered 公金受取口座. The
page posts the choice as `<code>.use`; choosing the account stores a snapshot of it in the
answer (the typed-account keys plus `source: "public_funds"` and `registered_at`), built here
from the register — never from what the browser sent. Before signing or sending, every snapshot
is compared with the account as it is now: an account changed or removed meanwhile is an error
at its item (the draft keeps every answer).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from madoguchi.core import zengin
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.fieldtypes.base import FieldInvalid
from madoguchi.forms.fieldtypes.japanese import PUBLIC_FUNDS, USE_PART, account_masked
from madoguchi.forms.rendering import PublicFundsOffer
from madoguchi.forms.validation import FieldError
from madoguchi.publicfunds import selectors as funds_selectors
from madoguchi.publicfunds import services as funds_services

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from madoguchi.applications.models import Application
    from madoguchi.forms.language import Definition, Item, Page
    from madoguchi.publicfunds.types import AccountView

_TYPE_KEYS = {
    zengin.ACCOUNT_ORDINARY: "ordinary",
    zengin.ACCOUNT_CURRENT: "current",
    zengin.ACCOUNT_SAVINGS: "savings",
}


def offering_items(items: list[Item]) -> Iterator[Item]:
    """The top-level items that offer the account (never group children)."""
    for item in items:
        if item["type"] == "bank_account" and item.get("public_funds"):
            yield item


def _all_offering(definition: Definition) -> Iterator[Item]:
    for page in definition["pages"]:
        yield from offering_items(page["items"])


def snapshot(account: AccountView) -> dict[str, Any]:
    """The answer of an item that uses the account: what a typed account holds, plus where it
    came from and when the account was registered or last changed."""
    return {
        "bank_code": account.bank_code,
        "branch_code": account.branch_code,
        "account_type": _TYPE_KEYS.get(account.account_type, ""),
        "account_number": account.number,
        "holder_kana": account.holder_kana,
        "source": PUBLIC_FUNDS,
        "registered_at": account.registered_at.isoformat(),
    }


def _account(application: Application) -> AccountView | None:
    """The applicant's account (none for an application without a resident: the counter's)."""
    if application.resident_id is None:
        return None
    return funds_selectors.account_for_resident(application.resident_id)


def offers_for(application: Application, page: Page) -> dict[str, PublicFundsOffer]:
    """What the page shows for each offering item: the resident's account masked (or a link
    to register one that comes back to this page)."""
    items = list(offering_items(page["items"]))
    if not items:
        return {}
    account = _account(application)
    text = ""
    if account is not None:
        normalised = _normalised(items[0], snapshot(account))
        text = account_masked(normalised) if normalised is not None else ""
    back = reverse("apply:page", args=[application.public_id, page["id"]])
    register = f"{reverse('publicfunds:edit')}?{urlencode({'next': back})}"
    return {
        item["code"]: PublicFundsOffer(account_text=text, register_url=register) for item in items
    }


def _normalised(item: Item, value: Any) -> dict[str, Any] | None:
    field_type = registry.get(item["type"])
    assert field_type is not None
    try:
        parsed: dict[str, Any] = field_type.parse(item, value)
    except FieldInvalid:
        return None
    return parsed


def choices_apply(
    *, application: Application, page_items: list[Item], raw: dict[str, Any]
) -> list[FieldError]:
    """Turn each posted choice into the answer to keep: the account's snapshot for
    「公金受取口座を利用する」, the typed fields otherwise. Errors: the account was removed
    before the page was sent."""
    errors: list[FieldError] = []
    for item in offering_items(page_items):
        value = raw.get(item["code"])
        if not isinstance(value, dict):
            continue
        if value.get(USE_PART) != PUBLIC_FUNDS:
            continue  # 「別の口座を入力する」 (kept, so the page shows it chosen): the typed fields
        account = _account(application)
        if account is None:
            errors.append(_error(item, "public_funds_removed"))
            continue
        raw[item["code"]] = snapshot(account)
    return errors


_MESSAGES = {
    "public_funds_removed": lambda label: (
        _(
            "%(label)s: your public funds receipt account is no longer registered. Choose "
            "“Enter another account” and enter one, or register the account again."
        )
        % {"label": label}
    ),
    "public_funds_changed": lambda label: (
        _(
            "%(label)s: your public funds receipt account was changed after you chose it. Check "
            "the account and choose it again."
        )
        % {"label": label}
    ),
}


def _error(item: Item, code: str) -> FieldError:
    return FieldError(
        path=item["code"], item=item["code"], code=code, message=_MESSAGES[code](item["label"])
    )


def stale_errors(
    *, application: Application, definition: Definition, answers: Mapping[str, Any]
) -> list[FieldError]:
    """The snapshots in `answers` (normalised; hidden items are not there) that no longer
    match the resident's account: changed (other details, or registered anew) or removed."""
    errors: list[FieldError] = []
    account: AccountView | None = None
    looked = False
    for item in _all_offering(definition):
        value = answers.get(item["code"])
        if not isinstance(value, Mapping) or value.get("source") != PUBLIC_FUNDS:
            continue
        if not looked:
            account, looked = _account(application), True
        if account is None:
            errors.append(_error(item, "public_funds_removed"))
        elif _normalised(item, snapshot(account)) != dict(value):
            errors.append(_error(item, "public_funds_changed"))
    return errors


def uses_account(definition: Definition, answers: Mapping[str, Any]) -> bool:
    return any(
        isinstance(answers.get(item["code"]), Mapping)
        and answers[item["code"]].get("source") == PUBLIC_FUNDS
        for item in _all_offering(definition)
    )


def account_view_audit(
    *, application: Application, user: AbstractBaseUser, view: str, ip_address: str | None
) -> None:
    """Record that the applicant's 公金受取口座 was shown on a page of their application."""
    if application.resident_id is None:
        return
    funds_services.account_viewed(
        resident_id=application.resident_id,
        municipality_code=application.municipality_id,
        user=user,
        view=view,
        ip_address=ip_address,
        data={"application": str(application.public_id)},
    )
