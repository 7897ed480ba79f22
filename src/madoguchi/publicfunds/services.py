"""Writes of 公金受取口座: register, change, remove — each signed with the resident's My Number
Card (the 署名用 certificate, as the application sign step signs: CMS over the payload, verified
with path and CRL, the signer bound to the resident) — and the audit of every view."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.accounts.services import resident_lock
from madoguchi.audit.services import audit_record
from madoguchi.signatures import services as signature_services
from madoguchi.signatures.outcomes import Outcome
from madoguchi.signatures.signers import DEFAULT_SIGNER

from .checking import AccountInvalid, CheckedAccount, account_details_check
from .models import Account, AccountEvent
from .payload import account_payload
from .selectors import _view
from .types import AccountAction, AccountDetails, AccountView

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from madoguchi.accounts.models import Resident

__all__ = [
    "AccountError",
    "AccountInvalid",
    "CheckedAccount",
    "account_change",
    "account_details_check",
    "account_register",
    "account_remove",
    "account_viewed",
]


class AccountError(Exception):
    """Refused as a whole (not one field's fault); `message` is for the resident."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _signed(
    *,
    resident: Resident,
    action: AccountAction,
    details: AccountDetails | None,
    pin: str,
    signer: str,
) -> signature_services.CheckedSignature:
    """Sign the payload with the resident's card and verify it — before any write transaction
    (on SQLite a write transaction holds the database's only write lock). Raises the signer's
    errors (PinIncorrect, PinLocked, NoCard, PinFormatError) and AccountError."""
    payload = account_payload(
        action=action.value,
        resident_subject=str(resident.subject),
        municipality_code=resident.municipality_id,
        details=details,
        signed_at=timezone.now(),
    )
    cms_der = signature_services.signature_sign(
        resident=resident, payload=payload, pin=pin, signer=signer
    )
    checked = signature_services.signature_check(
        payload=payload, cms_der=cms_der, expected_resident=resident
    )
    if checked.outcome != Outcome.VALID:
        raise AccountError(
            _("The signature could not be verified: %(outcome)s")
            % {"outcome": Outcome(checked.outcome).label},
            code="signature",
        )
    return checked


def _event(
    *,
    resident: Resident,
    action: AccountAction,
    details: AccountDetails,
    evidence: str,
    at: datetime.datetime,
    confirmed: bool = False,
) -> AccountEvent:
    return AccountEvent.objects.create(
        resident=resident,
        action=action,
        at=at,
        signature_evidence=evidence,
        name_warning_confirmed=confirmed,
        **_fields(details),
    )


def _fields(details: AccountDetails) -> dict[str, object]:
    return {
        "bank_code": details.bank_code,
        "bank_name": details.bank_name,
        "branch_code": details.branch_code,
        "branch_name": details.branch_name,
        "account_type": details.account_type,
        "number": details.number,
        "holder_kana": details.holder_kana,
    }


def _audit(
    *,
    action: str,
    resident: Resident,
    user: AbstractBaseUser | AnonymousUser | None,
    ip_address: str | None,
    data: dict[str, object],
) -> None:
    audit_record(
        action=action,
        actor=user,
        municipality_code=resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(resident.pk),
        ip_address=ip_address,
        data=data,
    )


def _summary(details: AccountDetails) -> dict[str, object]:
    # The audit names the bank and branch, never the number or the holder.
    return {"bank_code": details.bank_code, "branch_code": details.branch_code}


def account_register(
    *,
    resident: Resident,
    user: AbstractBaseUser | AnonymousUser | None,
    details: AccountDetails,
    pin: str,
    name_warning_confirmed: bool = False,
    ip_address: str | None = None,
    signer: str = DEFAULT_SIGNER,
) -> AccountView:
    """Register the resident's one account, signed with their card. Raises AccountError
    ("exists") when one is registered already — also when a concurrent registration won."""
    if Account.objects.filter(resident=resident).exists():
        raise AccountError(_("You have registered an account already."), code="exists")
    checked = _signed(
        resident=resident,
        action=AccountAction.REGISTERED,
        details=details,
        pin=pin,
        signer=signer,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            resident_lock(resident=resident)
            if Account.objects.filter(resident=resident).exists():
                raise AccountError(_("You have registered an account already."), code="exists")
            evidence = signature_services.signature_evidence_store(checked=checked)
            account = Account.objects.create(
                resident=resident,
                registered_at=now,
                changed_at=now,
                signature_evidence=str(evidence.public_id),
                **_fields(details),
            )
            _event(
                resident=resident,
                action=AccountAction.REGISTERED,
                details=details,
                evidence=str(evidence.public_id),
                at=now,
                confirmed=name_warning_confirmed,
            )
            _audit(
                action="publicfunds.account_registered",
                resident=resident,
                user=user,
                ip_address=ip_address,
                data=_summary(details),
            )
    except IntegrityError:
        raise AccountError(_("You have registered an account already."), code="exists") from None
    return _view(account)


def _account_of(resident: Resident) -> Account:
    account = Account.objects.filter(resident=resident).first()
    if account is None:
        raise AccountError(_("You have no account registered."), code="missing")
    return account


def account_change(
    *,
    resident: Resident,
    user: AbstractBaseUser | AnonymousUser | None,
    details: AccountDetails,
    pin: str,
    name_warning_confirmed: bool = False,
    ip_address: str | None = None,
    signer: str = DEFAULT_SIGNER,
) -> AccountView:
    """Replace the resident's account, signed; the old details stay in the history."""
    _account_of(resident)  # before asking for the signature
    checked = _signed(
        resident=resident, action=AccountAction.CHANGED, details=details, pin=pin, signer=signer
    )
    now = timezone.now()
    with transaction.atomic():
        resident_lock(resident=resident)
        account = _account_of(resident)  # again under the lock: a removal may have won
        evidence = signature_services.signature_evidence_store(checked=checked)
        for name, value in _fields(details).items():
            setattr(account, name, value)
        account.changed_at = now
        account.signature_evidence = str(evidence.public_id)
        account.save()
        _event(
            resident=resident,
            action=AccountAction.CHANGED,
            details=details,
            evidence=str(evidence.public_id),
            at=now,
            confirmed=name_warning_confirmed,
        )
        _audit(
            action="publicfunds.account_changed",
            resident=resident,
            user=user,
            ip_address=ip_address,
            data=_summary(details),
        )
    return _view(account)


def account_remove(
    *,
    resident: Resident,
    user: AbstractBaseUser | AnonymousUser | None,
    pin: str,
    ip_address: str | None = None,
    signer: str = DEFAULT_SIGNER,
) -> None:
    """Remove the resident's account, signed; the history keeps what it was."""
    _account_of(resident)  # before asking for the signature
    checked = _signed(
        resident=resident, action=AccountAction.REMOVED, details=None, pin=pin, signer=signer
    )
    now = timezone.now()
    with transaction.atomic():
        resident_lock(resident=resident)
        account = _account_of(resident)  # again under the lock: a removal may have won
        evidence = signature_services.signature_evidence_store(checked=checked)
        details = _view(account).details
        account.delete()
        _event(
            resident=resident,
            action=AccountAction.REMOVED,
            details=details,
            evidence=str(evidence.public_id),
            at=now,
        )
        _audit(
            action="publicfunds.account_removed",
            resident=resident,
            user=user,
            ip_address=ip_address,
            data=_summary(details),
        )


def account_viewed(
    *,
    resident_id: int,
    municipality_code: str,
    user: AbstractBaseUser | AnonymousUser | None,
    view: str,
    ip_address: str | None = None,
    data: dict[str, object] | None = None,
) -> None:
    """Record that someone saw a resident's account (`view`: "resident-page", "application",
    …). Every page that shows an account calls this."""
    audit_record(
        action="publicfunds.account_viewed",
        actor=user,
        municipality_code=municipality_code,
        object_type="accounts.resident",
        object_id=str(resident_id),
        ip_address=ip_address,
        data={"view": view, **(data or {})},
    )
