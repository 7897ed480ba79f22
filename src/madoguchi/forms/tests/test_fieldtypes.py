"""Field types: parsing, normalising and displaying what residents and portals send."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.forms import mynumber, wareki
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.fieldtypes.base import FieldInvalid


def parse(type_key, value, **item):
    field_type = registry.get(type_key)
    assert field_type is not None
    definition: Any = {"code": "x", "type": type_key, "label": "項目", **item}
    return field_type.parse(definition, value)


def problems(type_key, value, **item):
    with pytest.raises(FieldInvalid) as error:
        parse(type_key, value, **item)
    return error.value.problems


# --- 和暦 --------------------------------------------------------------------------------------


@given(st.dates(min_value=datetime.date(1873, 1, 1), max_value=datetime.date(2200, 12, 31)))
def test_wareki_round_trip(date):
    era, year = wareki.to_wareki(date)
    assert wareki.from_wareki(era, year, date.month, date.day) == date
    assert wareki.parse_date_text(wareki.format_wareki(date)) == date
    assert (
        parse(
            "date",
            {"era": era.key, "year": str(year), "month": str(date.month), "day": str(date.day)},
        )
        == date.isoformat()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", "2019-05-01"),
        ("平成31年4月30日", "2019-04-30"),
        ("平成元年1月8日", "1989-01-08"),
        ("昭和64年1月7日", "1989-01-07"),
        ("昭和元年12月25日", "1926-12-25"),
        ("大正15年12月24日", "1926-12-24"),
        ("大正元年7月30日", "1912-07-30"),
        ("明治45年7月29日", "1912-07-29"),
        ("Ｒ６．４．１", "2024-04-01"),
        ("2024/4/1", "2024-04-01"),
        ("２０２４年４月１日", "2024-04-01"),
    ],
)
def test_era_boundaries(text, expected):
    assert parse("date", text) == expected


@pytest.mark.parametrize(
    "text",
    ["平成31年5月1日", "昭和64年1月8日", "令和元年4月30日", "大正15年12月25日", "明治45年7月30日"],
)
def test_days_outside_their_era_are_refused_in_japanese(text):
    (problem,) = problems("date", text)
    assert problem.code == "outside_era"
    assert "「項目」" in problem.message and "期間にありません" in problem.message


def test_date_limits():
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    (problem,) = problems("date", tomorrow, validators={"date_max": "today"})
    assert "未来" in problem.message
    assert problems("date", "2月30日")[0].code == "invalid_date"
    assert problems("date", "1872-12-31")[0].code == "before_gregorian"


# --- 個人番号 ----------------------------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_my_number_check_digit_accepts_exactly_one_digit(first_eleven):
    valid = [d for d in "0123456789" if mynumber.is_valid(first_eleven + d)]
    assert valid == [str(mynumber.check_digit(first_eleven))]
    number = first_eleven + valid[0]
    assert parse("my_number", number) == number
    assert parse("my_number", "".join(chr(ord(c) + 0xFEE0) for c in number)) == number
    wrong = first_eleven + str((int(valid[0]) + 1) % 10)
    assert problems("my_number", wrong)[0].code == "my_number_check_digit"


def test_my_number_known_value_and_mask():
    assert mynumber.is_valid("123456789018")
    field_type = registry.get("my_number")
    assert field_type is not None
    assert (
        field_type.display({"code": "x", "type": "my_number", "label": "x"}, "123456789018")
        == "********9018"
    )


# --- 氏名・フリガナ ---------------------------------------------------------------------------

NAME_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))


@settings(max_examples=200)
@given(st.text(NAME_CHARS, min_size=1, max_size=50), st.text(NAME_CHARS, min_size=1, max_size=50))
def test_names_are_stored_exactly(family, given_name):
    assert parse("name", {"family": family, "given": given_name}) == {
        "family": family,
        "given": given_name,
    }


def test_names_keep_ivs_and_compatibility_ideographs():
    family = "葛\U000e0100城"  # 葛 with an ideographic variation selector
    given = "﨑髙𠮷"  # U+FA11 would become U+5D0E under NFC; it must not
    value = parse("name", {"family": f" {family} ", "given": given})
    assert value == {"family": family, "given": given}
    (problem,) = problems("name", {"family": "𠮷田", "given": ""})
    assert problem.part == "given" and problem.message == "「項目（名）」を入力してください。"


def test_furigana_becomes_full_width_katakana():
    assert parse("furigana", {"family": "よしだ", "given": "ﾀﾛｳ"}) == {
        "family": "ヨシダ",
        "given": "タロウ",
    }
    (problem,) = problems("furigana", {"family": "吉田", "given": "タロウ"})
    assert problem.part == "family" and "カタカナ" in problem.message


# --- 住所・口座 ---------------------------------------------------------------------------------


def test_address_checks_the_postal_code_and_city(db):
    value = parse("address", {"postal_code": "１０２－００８３", "address": "千代田区麹町2-1"})
    assert value == {
        "postal_code": "1020083",
        "address": "千代田区麹町2-1",
        "municipality_code": "131016",
    }
    assert (
        parse("address", {"postal_code": "198-0212", "address": "奥多摩町氷川1"})[
            "municipality_code"
        ]
        == "133086"
    )
    assert problems("address", {"postal_code": "000-0000", "address": "x"})[0].part == "postal_code"
    (problem,) = problems("address", {"postal_code": "1020083", "address": "横浜市中区1"})
    assert problem.code == "address_mismatch" and "千代田区" in problem.message


def test_bank_account_is_checked_against_zengin_code():
    value = parse(
        "bank_account",
        {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": "ordinary",
            "account_number": "123",
            "holder_kana": "ﾖｼﾀﾞ ﾀﾛｳ",
        },
    )
    assert value["bank_name"] == "みずほ" and value["account_number"] == "0000123"
    assert value["holder_kana"] == "ヨシダ\u3000タロウ"
    found = problems(
        "bank_account",
        {
            "bank_code": "0001",
            "branch_code": "999",
            "account_type": "x",
            "account_number": "12345678",
            "holder_kana": "吉田",
        },
    )
    assert {p.part for p in found} == {
        "branch_code",
        "account_type",
        "account_number",
        "holder_kana",
    }
    assert (
        problems(
            "bank_account",
            {
                "bank_code": "9999",
                "branch_code": "001",
                "account_type": "ordinary",
                "account_number": "1",
                "holder_kana": "ア",
            },
        )[0].code
        == "bank_unknown"
    )


# --- others -------------------------------------------------------------------------------------


def test_simple_types():
    assert parse("number", "１，０００") == 1000
    assert problems("number", "1.5")[0].code == "type"
    assert problems("number", 5, validators={"maximum": 3})[0].code == "maximum"
    assert parse("phone", "03-1234-5678") == "0312345678"
    assert parse("phone", "+81 90 1234 5678") == "09012345678"
    assert problems("phone", "12345")[0].code == "phone"
    assert parse("email", "Taro@Example.JP") == "Taro@example.jp"
    assert problems("email", "taro@")[0].code == "email"
    assert parse("text", "  千代田区  ") == "千代田区"
    assert problems("text", "a\x00b")[0].code == "control_characters"
    assert parse("text", "１２３４", validators={"digits": True}) == "1234"
    options = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    assert parse("checkbox", ["b", "a"], options=options) == ["a", "b"]
    assert problems("radio", "c", options=options)[0].code == "choice"
    assert parse("consent", True) is True


def test_file_metadata_limits():
    meta = {"name": "a.pdf", "content_type": "application/pdf", "size": 10, "sha256": "a" * 64}
    assert parse("file", meta) == meta
    assert problems("file", {**meta, "content_type": "text/html"})[0].code == "file_type"
    assert (
        problems("file", {**meta, "size": 2_000_000}, validators={"max_size": 1_000_000})[0].code
        == "file_size"
    )
    assert problems("file", {**meta, "name": "../x"})[0].code == "file_metadata"


def test_lists_are_joined_in_the_language_of_the_page():
    # 「PDF、JPEG」 in Japanese; an English page must not show the Japanese comma.
    from django.utils.translation import override

    checkbox = registry.get("checkbox")
    files = registry.get("file")
    assert checkbox is not None and files is not None
    item: Any = {
        "code": "x",
        "type": "checkbox",
        "label": "x",
        "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    }
    upload: Any = {
        "code": "f",
        "type": "file",
        "label": "f",
        "validators": {"content_types": ["application/pdf", "image/jpeg"], "max_size": 1048576},
    }
    for language, comma in (("ja", "、"), ("en", ", "), ("ja-x-easy", "、")):
        with override(language):
            assert checkbox.display(item, ["a", "b"]) == f"A{comma}B"
            context = files.widget_context(upload, name="f", html_id="f", raw=None, problems=[])
            assert f"PDF{comma}JPEG" in context["limits"]
