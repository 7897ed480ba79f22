"""Outcome codes of signature verification: a stable code for machines, a message for people.

Codes are part of the public contract (stored in evidence, returned by the API); add new ones,
never rename.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    VALID = "valid", _("Valid")
    MALFORMED = "malformed", _("Malformed signature data")
    PAYLOAD_MISMATCH = "payload_mismatch", _("Signed content does not match")
    BAD_SIGNATURE = "bad_signature", _("Invalid signature value")
    UNKNOWN_CA = "unknown_ca", _("Untrusted certificate authority")
    EXPIRED = "expired", _("Certificate expired")
    NOT_YET_VALID = "not_yet_valid", _("Certificate not yet valid")
    REVOKED = "revoked", _("Certificate revoked")
    WRONG_KEY_USAGE = "wrong_key_usage", _("Certificate not for signing")
    WEAK_DIGEST = "weak_digest", _("Weak hash algorithm")
    WEAK_KEY = "weak_key", _("Weak key")
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm", _("Unsupported algorithm")
    CRL_UNAVAILABLE = "crl_unavailable", _("Revocation list unavailable")
    CRL_STALE = "crl_stale", _("Revocation list out of date")
    SIGNER_MISMATCH = "signer_mismatch", _("Signed by someone else")
    INVALID = "invalid", _("Signature could not be validated")


MESSAGES: dict[Outcome, Promise] = {
    Outcome.VALID: _("The signature is valid."),
    Outcome.MALFORMED: _(
        "The signature data is not a valid CMS signature: it is truncated, damaged or not a "
        "signature at all."
    ),
    Outcome.PAYLOAD_MISMATCH: _(
        "The application content was changed after it was signed (the digest does not match)."
    ),
    Outcome.BAD_SIGNATURE: _(
        "The signature value does not verify with the public key of the signing certificate."
    ),
    Outcome.UNKNOWN_CA: _(
        "The signing certificate was not issued by a trusted certification authority."
    ),
    Outcome.EXPIRED: _("The signing certificate has expired."),
    Outcome.NOT_YET_VALID: _("The signing certificate is not valid yet."),
    Outcome.REVOKED: _(
        "The signing certificate has been revoked (for example after a change of name or "
        "address). Please renew the certificate at your municipal office."
    ),
    Outcome.WRONG_KEY_USAGE: _(
        "This certificate cannot be used for signatures (for example a user authentication "
        "certificate). Please sign with the signing certificate."
    ),
    Outcome.WEAK_DIGEST: _(
        "Signatures with an insecure hash algorithm such as SHA-1 are not accepted."
    ),
    Outcome.WEAK_KEY: _("Signatures with an RSA key shorter than 2048 bits are not accepted."),
    Outcome.UNSUPPORTED_ALGORITHM: _(
        "The signature algorithm is not supported (use SHA-256 with RSA PKCS#1 v1.5)."
    ),
    Outcome.CRL_UNAVAILABLE: _(
        "The certificate revocation list could not be obtained, so the certificate cannot be "
        "checked now. Please try again later."
    ),
    Outcome.CRL_STALE: _(
        "The certificate revocation list is past its next update time, so the certificate "
        "cannot be checked now. Please try again later."
    ),
    Outcome.SIGNER_MISMATCH: _(
        "The application was signed with another person's certificate, not the applicant's."
    ),
    Outcome.INVALID: _("The signature could not be validated."),
}


def outcome_message(outcome: Outcome) -> str:
    return str(MESSAGES[outcome])


FIELD_LABELS: dict[str, Promise] = {
    "name": _("name"),
    "birth_date": _("date of birth"),
    "address": _("address"),
    "gender": _("gender"),
}


def mismatch_message(reason: str, fields: tuple[str, ...] | list[str]) -> str:
    """What a SIGNER_MISMATCH means for the person and what to do about it (Japanese)."""
    labels = "、".join(str(FIELD_LABELS.get(f, f)) for f in fields) or str(FIELD_LABELS["name"])
    if reason == "applicant":
        return _(
            "The applicant's %(fields)s in the application differs from the My Number Card used "
            "to sign. Correct the applicant's details exactly as on the card, or, if you are "
            "applying for someone else, apply as their proxy (代理人)."
        ) % {"fields": labels}
    return _(
        "This My Number Card is not yours: its %(fields)s differs from the signed-in person's. "
        "Sign with your own card. If your name or address has changed, renew the signing "
        "certificate at your municipal office first."
    ) % {"fields": labels}
