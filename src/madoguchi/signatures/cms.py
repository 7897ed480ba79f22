"""CMS SignedData: making detached signatures and reading them defensively."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7


def cms_sign(
    *,
    payload: bytes,
    certificate: x509.Certificate,
    key: rsa.RSAPrivateKey,
    chain: Sequence[x509.Certificate] = (),
    hash_algorithm: hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | hashes.SHA224 | None = None,
) -> bytes:
    """Detached CMS SignedData (DER) over `payload`: RSA PKCS#1 v1.5 with SHA-256, signed
    attributes (content type, signing time, message digest), signer certificate included, plus
    `chain` (the issuing CA) so that `openssl cms -verify -CAfile root.pem` finds the path."""
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(payload)
        .add_signer(
            certificate, key, hash_algorithm or hashes.SHA256(), rsa_padding=padding.PKCS1v15()
        )
    )
    for extra in chain:
        builder = builder.add_certificate(extra)
    return builder.sign(
        serialization.Encoding.DER,
        [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
    )
