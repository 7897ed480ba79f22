"""The one comparison of a person with a certificate's holder (docs/signing.md)."""

import datetime

import pytest

from madoguchi.signatures.holder import PersonFacts, address_key, holder_compare, name_key

HOLDER = PersonFacts(
    name="葛\U000e0100城\u3000健",
    birth_date=datetime.date(1978, 3, 15),
    address="東京都千代田区永田町一丁目7番1号",
    gender="1",
)


@pytest.mark.parametrize(
    ("written", "same"),
    [
        ("葛\U000e0100城 健", True),  # ASCII space instead of U+3000
        ("葛\U000e0100城健", True),  # no space at all
        ("葛城\u3000健", False),  # the variation sequence is part of the name
        ("葛\U000e0101城\u3000健", False),  # another variation
        ("ｶﾂﾗｷﾞ\u3000健", False),  # no kana, no width folding
    ],
)
def test_names_compare_exactly_but_for_whitespace(written, same):
    assert (name_key(written) == name_key(HOLDER.name)) is same


def test_old_and_new_forms_of_characters_differ_and_nfc_equivalents_match():
    assert name_key("髙橋") != name_key("高橋")
    assert name_key("𠮷田") != name_key("吉田")
    assert name_key("山\ufa11") != name_key("山崎")  # 﨑 has no canonical decomposition
    assert name_key("\uf91d") == name_key("\u6b04")  # 欄 (compatibility) ≡ 欄 under NFC
    assert name_key("ガ") == name_key("ガ")  # カ + combining dakuten


@pytest.mark.parametrize(
    "written",
    [
        "東京都千代田区永田町一丁目7番1号",
        "千代田区永田町1丁目7番1号",
        "千代田区永田町1-7-1",
        "千代田区 永田町１－７－１",
        "東京都千代田区永田町１丁目７−１",
    ],
)
def test_addresses_match_after_the_documented_normalisation(written):
    assert address_key(written) == address_key(HOLDER.address)


def test_other_addresses_do_not():
    assert address_key("千代田区永田町1-7-2") != address_key(HOLDER.address)
    assert address_key("千代田区永田町二丁目7番1号") != address_key(HOLDER.address)
    assert address_key("港区永田町1-7-1") != address_key(HOLDER.address)


def test_compare_reports_the_fields_that_differ_and_requires_a_name():
    person = PersonFacts(
        name="葛\U000e0100城 健",
        birth_date=datetime.date(1978, 3, 16),
        address="千代田区永田町1-7-1",
    )
    result = holder_compare(holder=HOLDER, person=person)
    assert result.mismatched == ("birth_date",) and not result.matches
    assert result.compared == ("name", "birth_date", "address")  # no gender given: not compared
    only_name = holder_compare(holder=HOLDER, person=PersonFacts(name="葛\U000e0100城健"))
    assert only_name.matches and only_name.compared == ("name",)
    nothing = holder_compare(holder=HOLDER, person=PersonFacts())
    assert not nothing.matches and nothing.mismatched == ("name",)
    required = holder_compare(
        holder=HOLDER,
        person=PersonFacts(name="葛\U000e0100城健"),
        require=("name", "birth_date", "address"),
    )
    assert required.mismatched == ("birth_date", "address")
    gender = holder_compare(holder=HOLDER, person=PersonFacts(name=HOLDER.name, gender="2"))
    assert gender.mismatched == ("gender",)
