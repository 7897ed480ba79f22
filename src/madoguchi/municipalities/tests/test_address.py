"""The municipality of an address (for residents created from identity or a certificate)."""

import pytest

from madoguchi.municipalities.selectors import municipality_for_address

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "postal_code", "code"),
    [
        ("東京都千代田区霞が関一丁目1番1号", "", "131016"),
        ("千代田区霞が関1-1-1", "", "131016"),  # no prefecture
        ("神奈川県横浜市中区本町6丁目50番地の10", "", "141003"),  # a ward → its designated city
        ("東京都西多摩郡奥多摩町氷川215番地6", "", "133086"),  # with the 郡
        ("どこか", "1000013", "131016"),  # the postal code decides when it names one place
        ("北海道札幌市中央区北1条西2丁目", "", "011002"),
    ],
)
def test_the_municipality_comes_from_the_address(master, address, postal_code, code):
    found = municipality_for_address(address=address, postal_code=postal_code)
    assert found is not None and found.code == code


def test_an_address_in_no_municipality_gives_none(master):
    assert municipality_for_address(address="Paris, France") is None
    assert municipality_for_address(address="") is None
