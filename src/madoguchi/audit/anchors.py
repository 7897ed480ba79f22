"""Anchors: the head of every audit chain, signed and kept outside the database.

A hash chain proves that nothing *before* its newest event was altered, removed or reordered; it
cannot show that its newest events, or a whole chain, were removed. An anchor closes that gap: it
records, for every chain, the newest event's sequence number and hash and the number of events,
signs that with an Ed25519 key the database never sees, and stores it in the `audit_anchors`
storage (a directory by default; an object store with write-once retention in production, a
configuration change through django-storages). Each anchor also names the SHA-256 of the one
before it, so anchors removed from the store are noticed too.

The verifier (`audit_anchor_verify`, run by `manage.py verify_audit_chain`) checks the newest
anchor's signature and, for each chain it names, that the anchored event is still there with the
same hash and that exactly the anchored number of events precede it. With the chain check this
proves the whole log up to the anchor. Events after the newest anchor are covered only by the
chain; publish anchors often (`make run` does every AUDIT_ANCHOR_INTERVAL seconds; in production
a timer running `manage.py audit_anchor_publish`).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db.models import Count, Max
from django.utils import timezone

from madoguchi.audit.models import AuditEvent

FORMAT = "madoguchi-audit-anchor/1"
STORAGE_ALIAS = "audit_anchors"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# --- Keys ---------------------------------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    """The anchor signing key; in development one is made on first use (var/, mode 0600)."""
    configured: str = settings.AUDIT_ANCHOR_SIGNING_KEY_FILE
    if not configured and not settings.IS_DEVELOPMENT:
        raise ImproperlyConfigured(
            "AUDIT_ANCHOR_SIGNING_KEY_FILE must name an Ed25519 private key (PEM) outside "
            "development: anchors signed with a key kept beside the database prove nothing."
        )
    path = Path(configured) if configured else Path(settings.VAR_DIR) / "audit-anchor-key.pem"
    if not configured and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.touch(mode=0o600)
        path.write_bytes(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path}: not an Ed25519 private key")
    return key


def verification_key() -> Ed25519PublicKey:
    """AUDIT_ANCHOR_PUBLIC_KEY_FILE when set (an auditor who holds only the public key),
    otherwise the public half of the signing key."""
    configured: str = settings.AUDIT_ANCHOR_PUBLIC_KEY_FILE
    if not configured:
        return signing_key().public_key()
    key = serialization.load_pem_public_key(Path(configured).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"{configured}: not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- Storage ------------------------------------------------------------------------------------


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _names(storage: Storage) -> list[str]:
    """Every anchor's name, oldest first (names sort by time: YYYY-MM/<UTC timestamp>.json)."""
    try:
        months, _ = storage.listdir("")
    except FileNotFoundError:  # a file-system store before its first anchor
        return []
    names: list[str] = []
    for month in sorted(months):
        _, files = storage.listdir(month)
        names.extend(f"{month}/{name}" for name in sorted(files) if name.endswith(".json"))
    return names


def _read(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


# --- Publish ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    name: str
    chains: int
    events: int


def chain_heads() -> dict[str, dict[str, Any]]:
    """Per chain: the newest event's sequence number and hash, and the number of events."""
    rows = AuditEvent.objects.values("municipality_code").annotate(
        count=Count("sequence"), head=Max("sequence")
    )
    heads_by_sequence = {row["head"]: row for row in rows}
    hashes = dict(
        AuditEvent.objects.filter(sequence__in=list(heads_by_sequence)).values_list(
            "sequence", "hash"
        )
    )
    return {
        row["municipality_code"]: {
            "sequence": row["head"],
            "hash": hashes[row["head"]],
            "count": row["count"],
        }
        for row in heads_by_sequence.values()
    }


def audit_anchor_publish(*, now: datetime.datetime | None = None) -> Published:
    """Sign the head of every chain and store it, linked to the previous anchor."""
    key = signing_key()
    storage = _storage()
    moment = (now or timezone.now()).astimezone(datetime.UTC)
    names = _names(storage)
    previous = hashlib.sha256(_read(storage, names[-1])).hexdigest() if names else ""
    anchor = {
        "format": FORMAT,
        "published_at": moment.isoformat(timespec="microseconds"),
        "previous": previous,
        "heads": chain_heads(),
    }
    document = {
        "anchor": anchor,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(key.sign(_canonical(anchor))).decode("ascii"),
    }
    name = f"{moment:%Y-%m}/{moment:%Y%m%dT%H%M%S.%fZ}.json"
    saved = storage.save(name, ContentFile(_canonical(document) + b"\n"))
    heads = anchor["heads"]
    assert isinstance(heads, dict)
    return Published(saved, len(heads), sum(head["count"] for head in heads.values()))


# --- Verify -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorReport:
    anchors: int  # anchors found in the store
    name: str = ""  # the anchor checked (the newest)
    published_at: str = ""
    chains: int = 0
    problem: str = ""
    chain: str | None = None  # the chain the problem is in, if it is in one

    @property
    def ok(self) -> bool:
        return not self.problem


def _load(data: bytes, key: Ed25519PublicKey) -> dict[str, Any]:
    document = json.loads(data)
    anchor: dict[str, Any] = document["anchor"]
    if anchor.get("format") != FORMAT:
        raise ValueError(f"unknown format {anchor.get('format')!r}")
    try:
        key.verify(base64.b64decode(document["signature"]), _canonical(anchor))
    except InvalidSignature as exc:
        raise ValueError(
            f"the signature does not verify with key {key_id(key)} (the anchor was altered, "
            f"or signed with key {document.get('key_id')})"
        ) from exc
    return anchor


def audit_anchor_verify() -> AnchorReport:
    """Check the newest anchor against the log (see the module docstring). No anchor yet: ok,
    with anchors=0, so a new installation verifies before its first publication."""
    storage = _storage()
    names = _names(storage)
    if not names:
        return AnchorReport(anchors=0)
    name = names[-1]
    data = _read(storage, name)
    try:
        anchor = _load(data, verification_key())
    except (ValueError, KeyError, TypeError) as exc:
        return AnchorReport(len(names), name, problem=f"anchor {name} is not valid: {exc}")
    report = {"anchors": len(names), "name": name, "published_at": anchor["published_at"]}
    if len(names) > 1:
        expected = hashlib.sha256(_read(storage, names[-2])).hexdigest()
        if anchor["previous"] != expected:
            return AnchorReport(
                **report,
                problem=f"anchor {name} does not follow {names[-2]} (an anchor was removed or "
                "replaced)",
            )
    heads: dict[str, dict[str, Any]] = anchor["heads"]
    for chain, head in sorted(heads.items()):
        event = (
            AuditEvent.objects.filter(municipality_code=chain, sequence=head["sequence"])
            .values_list("hash", flat=True)
            .first()
        )
        before = AuditEvent.objects.filter(
            municipality_code=chain, sequence__lte=head["sequence"]
        ).count()
        if event != head["hash"] or before != head["count"]:
            found = "missing" if event is None else "present"
            return AnchorReport(
                **report,
                chains=len(heads),
                chain=chain,
                problem=(
                    f"the log no longer holds what anchor {name} recorded: event "
                    f"#{head['sequence']} ({found}) and {head['count']} events up to it, "
                    f"{before} found (events were removed, or the chain was replaced)"
                ),
            )
    return AnchorReport(**report, chains=len(heads))
