"""Private keys of the development PKI: generation and wrapping for storage in the database.

A real My Number Card never releases its keys; this development token keeps them in the database
instead, wrapped with AES-256-GCM under a key-encryption key (see `conf.key_encryption_key`). The
associated data names the row a key belongs to, so a ciphertext copied onto another row does not
decrypt.
"""

from __future__ import annotations

import os
import threading

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from madoguchi.signatures import conf

_NONCE_BYTES = 12
_test_keys: dict[tuple[str, int], rsa.RSAPrivateKey] = {}
_test_keys_lock = threading.Lock()


class KeyUnwrapError(Exception):
    """A stored key cannot be decrypted: the key-encryption key changed or the row was altered."""


def rsa_key_generate(*, bits: int = 2048, role: str = "") -> rsa.RSAPrivateKey:
    """A fresh RSA key. Under test settings a key is reused per (role, bits) within the process;
    `role` must then say what the key is for (e.g. 'ca:root', 'card:<subject>:sign')."""
    if role and conf.reuse_test_keys():
        with _test_keys_lock:
            key = _test_keys.get((role, bits))
            if key is None:
                key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
                _test_keys[(role, bits)] = key
            return key
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_key_wrap(key: rsa.RSAPrivateKey, *, label: str) -> bytes:
    plaintext = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(conf.key_encryption_key()).encrypt(nonce, plaintext, label.encode())


def private_key_unwrap(blob: bytes, *, label: str) -> rsa.RSAPrivateKey:
    nonce, ciphertext = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    try:
        plaintext = AESGCM(conf.key_encryption_key()).decrypt(nonce, ciphertext, label.encode())
    except InvalidTag as exc:
        raise KeyUnwrapError(
            f"cannot decrypt the private key of {label}: the key-encryption key (SECRET_KEY or "
            "SIGNATURES_KEY_ENCRYPTION_KEY) changed, or the row was altered"
        ) from exc
    # The GCM tag already proves these are the bytes we stored, so OpenSSL's RSA key consistency
    # check (tens of milliseconds per load) adds nothing.
    key = serialization.load_der_private_key(
        plaintext, password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyUnwrapError(f"the private key of {label} is not an RSA key")
    return key
