"""公金受取口座: checks per field, signing bound to the resident, one account per resident,
history and audit, and the selectors the campaigns app reads."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from madoguchi.audit.models import AuditEvent
from madoguchi.publicfunds import selectors, services, testing
from madoguchi.publicfunds.checking import AccountInvalid, account_details_check
from madoguchi.publicfunds.models import Account, AccountEvent
from madoguchi.publicfunds.types import AccountType
from madoguchi.signatures import signers
from madoguchi.signatures.models import SignatureEvidence
from madoguchi.signatures.testing import demo_resident

PIN = testing.DEMO_PIN


def _check(resident, **overrides):
    values = {
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": "1",
        "number": "123",
        "holder": "よしだ　たろう",
    }
    values.update(overrides)
    return account_details_check(resident=resident, **values)


def _errors(resident, **overrides) -> dict[str, str]:
    with pytest.raises(AccountInvalid) as caught:
        _check(resident, **overrides)
    return caught.value.errors


@pytest.fixture
def taro(demo):
    return demo_resident("yoshida-taro")


def test_a_good_account_is_normalised(taro) -> None:
    checked = _check(taro, number="１２３", bank_code="０００１")
    d = checked.details
    assert (d.bank_code, d.bank_name, d.branch_code, d.branch_name) == (
        "0001",
        "みずほ",
        "001",
        "東京営業部",
    )
    assert d.number == "0000123"
    assert d.holder_kana == "ﾖｼﾀﾞ ﾀﾛｳ"
    assert d.account_type == AccountType.ORDINARY
    assert checked.name_warning == ""


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"bank_code": "0000"}, "bank", "0000"),
        ({"bank_code": ""}, "bank", "4"),
        ({"branch_code": "999"}, "branch", "999"),
        ({"account_type": "3"}, "account_type", ""),
        ({"number": "12A4567"}, "number", ""),
        ({"number": "12345678"}, "number", "7"),
        ({"number": ""}, "number", ""),
        ({"holder": "𠮷田　たろう"}, "holder", "「𠮷」「田」"),
        ({"holder": "ヨシダ@タロウ"}, "holder", "「@」"),
        ({"holder": "ア" * 31}, "holder", "31"),
        ({"holder": "  "}, "holder", ""),
    ],
)
def test_each_bad_input_is_named_at_its_field_in_japanese(taro, overrides, field, words) -> None:
    errors = _errors(taro, **overrides)
    assert list(errors) == [field]
    assert words in errors[field]
    # Japanese (the default language): at least one kana or kanji in the message.
    assert any("\u3040" <= c <= "\u9fff" for c in errors[field]), errors[field]


def test_several_bad_fields_each_get_their_own_message(taro) -> None:
    errors = _errors(taro, account_type="", number="x", holder="山")
    assert set(errors) == {"account_type", "number", "holder"}


def test_a_holder_who_is_not_the_resident_is_a_warning_not_an_error(taro) -> None:
    checked = _check(taro, holder="サトウ　タロウ")
    assert checked.details.holder_kana == "ｻﾄｳ ﾀﾛｳ"
    # Named in full-width katakana, easier to read than the stored half-width kana.
    assert "サトウ タロウ" in checked.name_warning and "ヨシダ タロウ" in checked.name_warning
    # Spacing and width are not a difference.
    assert _check(taro, holder="ﾖｼﾀﾞﾀﾛｳ").name_warning == ""


def test_register_is_signed_by_the_resident_and_audited(pki) -> None:
    taro = demo_resident("yoshida-taro")
    details = _check(taro).details
    view = services.account_register(resident=taro, user=taro.user, details=details, pin=PIN)
    assert view.resident_id == taro.pk and view.number == "0000123"
    assert view.account_type_label == "普通"
    account = Account.objects.get(resident=taro)
    evidence = SignatureEvidence.objects.get(public_id=account.signature_evidence)
    assert evidence.outcome == "valid" and evidence.resident_id == taro.pk
    assert b'"format":"madoguchi-public-funds-account/1"' in bytes(evidence.payload)
    assert b'"action":"registered"' in bytes(evidence.payload)
    event = AuditEvent.objects.filter(action="publicfunds.account_registered").get()
    assert event.object_id == str(taro.pk) and event.municipality_code == "131016"
    assert "0000123" not in str(event.data)  # no account number in the audit
    assert selectors.account_for_resident(taro.pk) == view


def test_a_wrong_pin_stores_nothing(pki) -> None:
    taro = demo_resident("yoshida-taro")
    with pytest.raises(signers.PinIncorrect):
        services.account_register(
            resident=taro, user=None, details=_check(taro).details, pin="WRONG999"
        )
    assert not Account.objects.exists() and not AccountEvent.objects.exists()


def test_a_resident_without_a_card_cannot_register(demo) -> None:
    taro = demo_resident("yoshida-taro")
    with pytest.raises(signers.NoCard):
        services.account_register(resident=taro, user=None, details=_check(taro).details, pin=PIN)
    assert not Account.objects.exists()


def test_someone_elses_card_is_a_signer_mismatch(pki, monkeypatch) -> None:
    """The signature must be by the resident: another resident's card is refused."""
    from madoguchi.signatures import services as signature_services

    taro, hanako = demo_resident("yoshida-taro"), demo_resident("yoshida-hanako")
    real_sign = signature_services.signature_sign

    def sign_with_hanakos_card(*, resident, payload, pin, signer="virtual_card"):
        return real_sign(resident=hanako, payload=payload, pin=pin, signer=signer)

    monkeypatch.setattr(signature_services, "signature_sign", sign_with_hanakos_card)
    with pytest.raises(services.AccountError) as caught:
        services.account_register(resident=taro, user=None, details=_check(taro).details, pin=PIN)
    assert caught.value.code == "signature"
    assert not Account.objects.exists()


def test_one_account_change_and_remove_keep_history(pki) -> None:
    taro = demo_resident("yoshida-taro")
    services.account_register(resident=taro, user=None, details=_check(taro).details, pin=PIN)
    with pytest.raises(services.AccountError) as caught:
        services.account_register(
            resident=taro, user=None, details=_check(taro, number="9").details, pin=PIN
        )
    assert caught.value.code == "exists"
    changed = services.account_change(
        resident=taro,
        user=None,
        details=_check(taro, bank_code="0005", branch_code="001", account_type="4").details,
        pin=PIN,
    )
    assert (changed.bank_code, changed.account_type_label) == ("0005", "貯蓄")
    services.account_remove(resident=taro, user=None, pin=PIN)
    assert selectors.account_for_resident(taro.pk) is None
    history = list(selectors.account_history(taro.pk))
    assert [e.action for e in history] == ["removed", "changed", "registered"]
    assert history[0].bank_code == "0005"  # what was removed
    assert history[2].bank_code == "0001"
    assert len({e.signature_evidence for e in history}) == 3
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "publicfunds.account_registered",
        "publicfunds.account_changed",
        "publicfunds.account_removed",
    } <= actions
    with pytest.raises(services.AccountError):
        services.account_remove(resident=taro, user=None, pin=PIN)


def test_accounts_for_residents_in_batches(demo, django_assert_max_num_queries) -> None:
    from madoguchi.accounts.models import Resident

    residents = list(Resident.objects.all())
    for resident in residents[:5]:
        testing.account_for(resident)
    ids = [r.pk for r in residents] + list(range(10**6, 10**6 + 2000))
    with django_assert_max_num_queries(3):
        found = selectors.accounts_for_residents(iter(ids))
    assert set(found) == {r.pk for r in residents[:5]}
    assert found[residents[0].pk].holder_kana == testing.details_for(residents[0]).holder_kana


def test_testing_helper_signed(pki) -> None:
    taro = demo_resident("yoshida-taro")
    view = testing.account_for(taro, signed=True, number="7654321")
    assert view.number == "7654321"
    assert Account.objects.get(resident=taro).signature_evidence


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_leave_one_account(pki) -> None:
    taro = demo_resident("yoshida-taro")
    details = [_check(taro, number=str(n)).details for n in (1, 2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def register(d) -> None:
        try:
            barrier.wait()
            services.account_register(resident=taro, user=None, details=d, pin=PIN)
            outcomes.append("ok")
        except services.AccountError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(d,)) for d in details]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["exists", "ok"]
    assert Account.objects.filter(resident=taro).count() == 1
    assert AccountEvent.objects.filter(resident=taro).count() == 1
