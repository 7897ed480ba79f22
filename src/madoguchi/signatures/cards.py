"""The virtual My Number Card: the development implementation of `Signer`.

It behaves like the card from the caller's side — PIN rules, retry counters, lock — but keeps the
keys in the database (wrapped; see keys.py). Registered as "virtual_card" in apps.ready().
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from madoguchi.signatures import selectors
from madoguchi.signatures.cms import cms_sign
from madoguchi.signatures.models import Card, CertificateKind, IssuedCertificate
from madoguchi.signatures.signers import NoCard

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


class VirtualCardSigner:
    name = "virtual_card"

    def __init__(self, resident: Resident) -> None:
        self.resident = resident

    def _card(self) -> Card:
        card = selectors.card_get(resident=self.resident)
        if card is None:
            raise NoCard("no card")
        return card

    def _issued(self, card: Card, kind: CertificateKind) -> IssuedCertificate:
        issued = selectors.card_certificate(card=card, kind=kind)
        if issued is None:
            raise NoCard(f"no {kind} certificate")
        return issued

    def signing_certificate(self) -> x509.Certificate:
        issued = self._issued(self._card(), CertificateKind.SIGNING)
        return x509.load_der_x509_certificate(bytes(issued.certificate_der))

    def sign(self, *, payload: bytes, pin: str) -> bytes:
        from madoguchi.signatures.services import PinKind, card_pin_verify, card_signing_key

        card = self._card()
        issued = self._issued(card, CertificateKind.SIGNING)
        card_pin_verify(card=card, kind=PinKind.SIGN, pin=pin)
        authority = issued.authority
        return cms_sign(
            payload=payload,
            certificate=x509.load_der_x509_certificate(bytes(issued.certificate_der)),
            key=card_signing_key(issued=issued),
            chain=[selectors.authority_certificate(authority=authority)],
        )

    def authenticate(self, *, challenge: bytes, pin: str) -> tuple[bytes, x509.Certificate]:
        """利用者証明: sign a login challenge with the authentication key (4-digit PIN, 3 tries).
        Returns the raw RSA PKCS#1 v1.5 SHA-256 signature and the 利用者証明用 certificate."""
        from madoguchi.signatures.services import PinKind, card_pin_verify, card_signing_key

        card = self._card()
        issued = self._issued(card, CertificateKind.AUTHENTICATION)
        card_pin_verify(card=card, kind=PinKind.AUTH, pin=pin)
        signature = card_signing_key(issued=issued).sign(
            challenge, padding.PKCS1v15(), hashes.SHA256()
        )
        return signature, x509.load_der_x509_certificate(bytes(issued.certificate_der))
