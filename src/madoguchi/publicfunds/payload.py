"""The bytes a resident signs to register, change or remove a 公金受取口座.

RFC 8785 (JCS) JSON, like the application payload (signatures.payload), so anyone can compute
the same bytes from the same facts (docs/public-funds-account.md)."""

from __future__ import annotations

import datetime
from typing import Any

import rfc8785

from madoguchi.signatures.payload import signed_at_text

from .types import AccountDetails

PAYLOAD_FORMAT = "madoguchi-public-funds-account/1"


def account_payload(
    *,
    action: str,
    resident_subject: str,
    municipality_code: str,
    details: AccountDetails | None,
    signed_at: datetime.datetime,
) -> bytes:
    document: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "action": action,
        "resident": resident_subject,
        "municipality_code": municipality_code,
        "account": None
        if details is None
        else {
            "bank_code": details.bank_code,
            "bank_name": details.bank_name,
            "branch_code": details.branch_code,
            "branch_name": details.branch_name,
            "account_type": details.account_type,
            "number": details.number,
            "holder_kana": details.holder_kana,
        },
        "signed_at": signed_at_text(signed_at),
    }
    canonical: bytes = rfc8785.dumps(document)
    return canonical
