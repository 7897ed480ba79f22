"""Identifiers at rest: Fernet encryption with key rotation, and a keyed hash for look-ups.

個人番号 and the other identifiers residents type live inside application answers; those columns
(and any other column that may hold them) are `EncryptedJSONField`s, so the database file, its
backups and replicas hold only Fernet tokens (AES-128-CBC + HMAC-SHA256, from `cryptography`).

Keys come from settings (config/settings.py reads the environment or *_FILE secrets):
* IDENTIFIER_ENCRYPTION_KEYS — Fernet keys, newest first. MultiFernet encrypts with the first
  and decrypts with any, so rotation is: put a new key first, deploy, run
  `manage.py identifiers_reencrypt`, then drop the old key.
* IDENTIFIER_HASH_KEY — the HMAC-SHA256 key of `identifier_digest`, the only way to find a row
  by a number (the number itself is never stored in clear, nor an unkeyed hash of it: 10^11
  possible numbers are hashed in minutes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# A Fernet token starts with its version byte 0x80, "gAAAAA" in URL-safe base64. Values without
# it are clear JSON written before encryption (read during the data migration only).
FERNET_PREFIX = "gAAAAA"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("IDENTIFIER_ENCRYPTION_KEYS holds no key")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "IDENTIFIER_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.IDENTIFIER_ENCRYPTION_KEYS))


def encrypt_text(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        # No key in IDENTIFIER_ENCRYPTION_KEYS opens it: say so, never show the token.
        raise ImproperlyConfigured(
            "An encrypted identifier cannot be decrypted with IDENTIFIER_ENCRYPTION_KEYS "
            "(was the key it was written with removed?)"
        ) from None


def rotate_token(token: str) -> str:
    """The same plaintext under the newest key (MultiFernet.rotate)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def identifier_digest(value: str) -> str:
    """Keyed hash (HMAC-SHA256, hex) of an identifier such as a 個人番号; "" for no value."""
    if not value:
        return ""
    key = str(settings.IDENTIFIER_HASH_KEY).encode()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedJSONField(models.Field[Any, Any]):
    """A JSON value stored as one Fernet token in a text column. Not queryable by content, by
    design."""

    description = "JSON, encrypted at rest (Fernet)"

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_python(value)

    def to_python(self, value: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        if value.startswith(FERNET_PREFIX):
            return json.loads(decrypt_text(value))
        return json.loads(value) if value else value  # clear JSON from before the migration

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj: Any) -> str:
        # Serialisation (dumpdata) gets the token, never the clear value.
        return str(self.get_prep_value(self.value_from_object(obj)))
