"""The `Signer` interface and its registry.

A signer turns the canonical payload into a detached CMS signature with the resident's 署名用
certificate. The virtual card (cards.py) is the development implementation; a card reader
bridge or the Digital Agency's signing API registers itself under another name and callers
choose by name — nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from cryptography import x509
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

DEFAULT_SIGNER = "virtual_card"


class SignerError(Exception):
    """Base of everything a signer refuses; `message` is for the resident (Japanese)."""

    code = "signer_error"

    @property
    def message(self) -> str:
        return _("The signature could not be made.")


class NoCard(SignerError):
    code = "no_card"

    @property
    def message(self) -> str:
        return _("No My Number Card with a signing certificate is registered for you.")


class PinFormatError(SignerError):
    """The PIN is not even of the right shape. Not counted as a wrong try: a card application
    refuses such input before it reaches the card."""

    code = "pin_format"

    def __init__(self, *, min_length: int, max_length: int, digits_only: bool) -> None:
        super().__init__("PIN format")
        self.min_length, self.max_length, self.digits_only = min_length, max_length, digits_only

    @property
    def message(self) -> str:
        if self.digits_only:
            return _("Enter the PIN as %(n)d digits.") % {"n": self.min_length}
        return _("Enter the signing PIN as %(min)d to %(max)d letters and digits (no symbols).") % {
            "min": self.min_length,
            "max": self.max_length,
        }


class PinIncorrect(SignerError):
    code = "pin_incorrect"

    def __init__(self, *, remaining_tries: int) -> None:
        super().__init__(f"wrong PIN, {remaining_tries} tries left")
        self.remaining_tries = remaining_tries

    @property
    def message(self) -> str:
        return ngettext(
            "The PIN is wrong. %(n)d try left before the certificate is locked.",
            "The PIN is wrong. %(n)d tries left before the certificate is locked.",
            self.remaining_tries,
        ) % {"n": self.remaining_tries}


class PinLocked(SignerError):
    code = "pin_locked"

    @property
    def message(self) -> str:
        return _(
            "The PIN has been entered wrongly too many times and is locked. Please have it "
            "reset at your municipal office counter (bring your My Number Card)."
        )


class Signer(Protocol):
    name: str

    def signing_certificate(self) -> x509.Certificate:
        """The certificate that `sign` will use (it identifies the signer: issuer + serial)."""
        ...

    def sign(self, *, payload: bytes, pin: str) -> bytes:
        """Detached CMS SignedData (DER) over `payload`. Raises a SignerError subclass."""
        ...


SignerFactory = Callable[["Resident"], Signer]
_registry: dict[str, SignerFactory] = {}


def signer_register(name: str, factory: SignerFactory) -> None:
    _registry[name] = factory


def signer_names() -> list[str]:
    return sorted(_registry)


def signer_get(*, resident: Resident, name: str = DEFAULT_SIGNER) -> Signer:
    try:
        factory = _registry[name]
    except KeyError:
        raise LookupError(f"no signer registered as {name!r}; known: {signer_names()}") from None
    return factory(resident)
