"""The hash of an audit event: SHA-256 over the previous hash and a canonical JSON body."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any


def canonical_body(
    *,
    occurred_at: datetime.datetime,
    action: str,
    actor_id: str,
    actor_label: str,
    municipality_code: str,
    object_type: str,
    object_id: str,
    ip_address: str | None,
    data: dict[str, Any],
) -> bytes:
    body = {
        # Microsecond UTC ISO 8601: both databases round-trip it exactly.
        "occurred_at": occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "action": action,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "municipality_code": municipality_code,
        "object_type": object_type,
        "object_id": object_id,
        "ip_address": ip_address,
        "data": data,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + body).hexdigest()
