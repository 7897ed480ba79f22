"""The virtual My Number Card: JPKI's PIN rules behind the Signer interface."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils.translation import override

from madoguchi.signatures import services
from madoguchi.signatures.cards import VirtualCardSigner
from madoguchi.signatures.models import Card
from madoguchi.signatures.services import DEMO_AUTH_PIN, DEMO_SIGN_PIN, PinKind
from madoguchi.signatures.signers import (
    NoCard,
    PinFormatError,
    PinIncorrect,
    PinLocked,
    signer_get,
    signer_names,
    signer_register,
)
from madoguchi.signatures.verification import signature_verify

pytestmark = pytest.mark.django_db


def test_the_virtual_card_is_the_registered_default_signer(taro, payload):
    assert "virtual_card" in signer_names()
    signer = signer_get(resident=taro)
    certificate = signer.signing_certificate()
    cms_der = signer.sign(payload=payload, pin=DEMO_SIGN_PIN)
    result = signature_verify(payload=payload, cms_der=cms_der)
    assert result.ok and result.certificate == certificate


def test_another_signer_can_be_plugged_in(taro, payload):
    class Remote:
        name = "remote"

        def __init__(self, resident):
            self.inner = signer_get(resident=resident)

        def signing_certificate(self):
            return self.inner.signing_certificate()

        def sign(self, *, payload: bytes, pin: str) -> bytes:
            return self.inner.sign(payload=payload, pin=pin)

    signer_register("remote", Remote)
    cms_der = services.signature_sign(
        resident=taro, payload=payload, pin=DEMO_SIGN_PIN, signer="remote"
    )
    assert signature_verify(payload=payload, cms_der=cms_der).ok
    with pytest.raises(LookupError):
        signer_get(resident=taro, name="card-reader")


def test_wrong_signing_pin_reports_remaining_tries_and_locks_after_five(taro, payload):
    for remaining in (4, 3, 2, 1):
        with pytest.raises(PinIncorrect) as wrong:
            services.signature_sign(resident=taro, payload=payload, pin="WRONG1")
        assert wrong.value.remaining_tries == remaining
    with pytest.raises(PinLocked):
        services.signature_sign(resident=taro, payload=payload, pin="WRONG1")
    assert Card.objects.get(resident=taro).sign_pin_failures == 5
    # Locked means locked: the right PIN no longer works either.
    with pytest.raises(PinLocked):
        services.signature_sign(resident=taro, payload=payload, pin=DEMO_SIGN_PIN)
    assert services.pin_remaining_tries(resident=taro) == 0


def test_a_right_pin_resets_the_counter(taro, payload):
    with pytest.raises(PinIncorrect):
        services.signature_sign(resident=taro, payload=payload, pin="WRONG1")
    services.signature_sign(resident=taro, payload=payload, pin=DEMO_SIGN_PIN)
    assert services.pin_remaining_tries(resident=taro) == 5


def test_counter_reset_at_the_counter_unlocks(taro, payload):
    for _ in range(5):
        with pytest.raises((PinIncorrect, PinLocked)):
            services.signature_sign(resident=taro, payload=payload, pin="WRONG1")
    services.card_pin_reset(resident=taro, kind=PinKind.SIGN, new_pin="NEWPIN99")
    cms_der = services.signature_sign(resident=taro, payload=payload, pin="NEWPIN99")
    assert signature_verify(payload=payload, cms_der=cms_der).ok


@pytest.mark.parametrize("pin", ["12345", "A" * 17, "ABC-123", "ＡＢＣ１２３", "", "パスワード12"])
def test_malformed_signing_pin_is_refused_without_counting(taro, payload, pin):
    with pytest.raises(PinFormatError):
        services.signature_sign(resident=taro, payload=payload, pin=pin)
    assert services.pin_remaining_tries(resident=taro) == 5


def test_authentication_pin_is_four_digits_and_locks_after_three(taro):
    card = VirtualCardSigner(taro)
    signature, certificate = card.authenticate(challenge=b"nonce", pin=DEMO_AUTH_PIN)
    assert len(signature) == 256 and certificate.subject.rfc4514_string().startswith("CN=")
    with pytest.raises(PinFormatError):
        card.authenticate(challenge=b"nonce", pin="12345")
    for remaining in (2, 1):
        with pytest.raises(PinIncorrect) as wrong:
            card.authenticate(challenge=b"nonce", pin="9999")
        assert wrong.value.remaining_tries == remaining
    with pytest.raises(PinLocked):
        card.authenticate(challenge=b"nonce", pin="9999")
    # The signing PIN has its own counter.
    assert services.pin_remaining_tries(resident=taro, kind=PinKind.SIGN) == 5


def test_pin_errors_speak_japanese(taro, payload):
    with override("ja"), pytest.raises(PinIncorrect) as wrong:
        services.signature_sign(resident=taro, payload=payload, pin="WRONG1")
    with override("ja"):
        assert "4" in wrong.value.message and "暗証番号" in wrong.value.message
        assert "窓口" in PinLocked("x").message
        assert (
            "英字と数字" in PinFormatError(min_length=6, max_length=16, digits_only=False).message
        )


def test_a_resident_without_card_gets_no_card(demo, payload):
    from madoguchi.signatures.testing import demo_resident

    with pytest.raises(NoCard):
        services.signature_sign(
            resident=demo_resident("yoshida-taro"), payload=payload, pin=DEMO_SIGN_PIN
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_pins_never_exceed_the_limit(demo, payload):
    # PostgreSQL takes row locks; SQLite (a file test database, see settings_test) serialises
    # writers with IMMEDIATE transactions. Both must give exactly five counted failures.
    services.pki_setup_demo()
    from madoguchi.signatures.testing import demo_resident

    taro = demo_resident("yoshida-taro")
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            services.signature_sign(resident=taro, payload=payload, pin="WRONG1")
        except PinIncorrect as exc:
            with lock:
                outcomes.append(f"wrong:{exc.remaining_tries}")
        except PinLocked:
            with lock:
                outcomes.append("locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Card.objects.get(resident=taro).sign_pin_failures == 5
    assert sorted(o for o in outcomes if o.startswith("wrong")) == [
        "wrong:1",
        "wrong:2",
        "wrong:3",
        "wrong:4",
    ]
    assert outcomes.count("locked") == 4
