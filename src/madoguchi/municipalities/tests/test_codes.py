import pytest
from hypothesis import given
from hypothesis import strategies as st

from madoguchi.municipalities import codes


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("131016", "千代田区"),
        ("011002", "札幌市"),
        ("141003", "横浜市"),
        ("130001", "東京都"),
        ("271004", "大阪市"),
        ("472018", "那覇市"),
    ],
)
def test_known_codes_are_valid(code, name):
    assert codes.is_valid(code), name
    assert codes.with_check_digit(code[:5]) == code


@pytest.mark.parametrize("code", ["131017", "13101", "1310166", "13101a", "", "１３１０１６"])
def test_malformed_or_wrong_check_digit_is_invalid(code):
    assert not codes.is_valid(code)
    with pytest.raises(codes.InvalidCode):
        codes.validate(code)


def test_remainder_zero_gives_check_digit_zero():
    # 6*0+5*0+4*0+3*0+2*0 = 0 → remainder 0 → check digit 0 (not 11 → "1").
    assert codes.check_digit("00000") == "0"


@given(st.from_regex(r"^[0-9]{5}$", fullmatch=True))
def test_every_five_digit_code_gets_exactly_one_valid_check_digit(five):
    valid = [d for d in "0123456789" if codes.is_valid(five + d)]
    assert valid == [codes.check_digit(five)]
