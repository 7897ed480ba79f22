"""The canonical signing payload of an application (specified in docs/signing.md).

The payload is RFC 8785 (JCS) JSON, so anyone — the platform, a third-party portal, an auditor
years later — computes the same bytes from the same facts without asking the platform.
Strings are taken exactly as given: no Unicode normalisation, no trimming.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import rfc8785

PAYLOAD_FORMAT = "madoguchi-signing-payload/1"

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_MUNICIPALITY_CODE = re.compile(r"[0-9]{6}")


class Attachment(TypedDict):
    name: str
    sha256: str


class PayloadError(ValueError):
    """The facts cannot form a payload (wrong type, naive time, non-JSON answer value...)."""


def signed_at_text(signed_at: datetime.datetime) -> str:
    """The payload's time: UTC, whole seconds, 'YYYY-MM-DDTHH:MM:SSZ' (fraction dropped)."""
    if signed_at.tzinfo is None or signed_at.utcoffset() is None:
        raise PayloadError("signed_at must be timezone-aware")
    utc = signed_at.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _attachments(attachments: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for attachment in attachments:
        name, digest = attachment.get("name"), attachment.get("sha256")
        if not isinstance(name, str) or not isinstance(digest, str):
            raise PayloadError("each attachment needs a string 'name' and 'sha256'")
        if not _SHA256_HEX.fullmatch(digest):
            raise PayloadError("attachment sha256 must be 64 lowercase hexadecimal digits")
        items.append({"name": name, "sha256": digest})
    # UTF-8 byte order equals Unicode code point order, in every language (unlike UTF-16).
    items.sort(key=lambda item: (item["name"].encode("utf-8"), item["sha256"]))
    return items


def signing_payload(
    *,
    procedure_code: str,
    municipality_code: str,
    form_version_hash: str,
    answers: Mapping[str, Any],
    attachments: Sequence[Mapping[str, Any]],
    signed_at: datetime.datetime,
) -> bytes:
    """The bytes a resident signs for one application: JCS JSON, UTF-8."""
    if not isinstance(procedure_code, str) or not procedure_code:
        raise PayloadError("procedure_code must be a non-empty string")
    if not isinstance(municipality_code, str) or not _MUNICIPALITY_CODE.fullmatch(
        municipality_code
    ):
        raise PayloadError("municipality_code must be the 6-digit local government code")
    if not isinstance(form_version_hash, str) or not form_version_hash:
        raise PayloadError("form_version_hash must be a non-empty string")
    if not isinstance(answers, Mapping):
        raise PayloadError("answers must be a JSON object")
    document: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "procedure_code": procedure_code,
        "municipality_code": municipality_code,
        "form_version_hash": form_version_hash,
        "answers": dict(answers),
        "attachments": _attachments(attachments),
        "signed_at": signed_at_text(signed_at),
    }
    try:
        canonical: bytes = rfc8785.dumps(document)
        return canonical
    except rfc8785.CanonicalizationError as exc:
        raise PayloadError(f"answers cannot be canonicalised: {exc}") from exc
