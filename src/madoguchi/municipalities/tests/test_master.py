from collections import Counter

import pytest

from madoguchi.municipalities import codes
from madoguchi.municipalities.models import MUNICIPAL_KINDS, Municipality
from madoguchi.municipalities.services import municipality_master_load
from madoguchi.municipalities.types import Kind

pytestmark = pytest.mark.django_db


def test_master_holds_every_prefecture_municipality_and_ward(master):
    kinds = Counter(Municipality.objects.values_list("kind", flat=True))
    assert kinds[Kind.PREFECTURE] == 47
    # 1,741 市区町村: 792 市 (20 of them 政令指定都市) + 743 町 + 183 村 + 23 特別区.
    assert sum(kinds[k] for k in MUNICIPAL_KINDS) == 1741
    assert kinds[Kind.CITY] + kinds[Kind.DESIGNATED_CITY] == 792
    assert kinds[Kind.DESIGNATED_CITY] == 20
    assert kinds[Kind.TOWN] == 743
    assert kinds[Kind.VILLAGE] == 183
    assert kinds[Kind.SPECIAL_WARD] == 23
    # Wards of the designated cities, after 浜松市 went from 7 to 3 wards in 2024.
    assert kinds[Kind.WARD] == 171
    assert Municipality.objects.count() == 47 + 1741 + 171


def test_every_code_has_a_correct_check_digit(master):
    bad = [c for c in Municipality.objects.values_list("code", flat=True) if not codes.is_valid(c)]
    assert bad == []


def test_entries_carry_name_kana_prefecture_and_kind(master):
    chiyoda = Municipality.objects.get(code="131016")
    assert (chiyoda.name, chiyoda.kana, chiyoda.kind) == ("千代田区", "チヨダク", Kind.SPECIAL_WARD)
    assert chiyoda.prefecture_id == "130001"
    assert chiyoda.full_name == "東京都千代田区"
    tokyo = Municipality.objects.get(code="130001")
    assert (tokyo.name, tokyo.kana, tokyo.kind) == ("東京都", "トウキョウト", Kind.PREFECTURE)


def test_designated_cities_and_their_wards(master):
    sapporo = Municipality.objects.get(code="011002")
    assert (sapporo.name, sapporo.kana, sapporo.kind) == (
        "札幌市",
        "サッポロシ",
        Kind.DESIGNATED_CITY,
    )
    assert sapporo.wards.count() == 10
    chuo = Municipality.objects.get(code="011010")
    assert chuo.name == "札幌市中央区"
    assert chuo.parent_id == "011002"
    assert Municipality.objects.get(code="141003").wards.count() == 18  # 横浜市
    assert Municipality.objects.get(code="221309").wards.count() == 3  # 浜松市
    for city in Municipality.objects.filter(kind=Kind.DESIGNATED_CITY):
        assert city.kana.endswith("シ"), city.name
        assert all(w.name.startswith(city.name) for w in city.wards.all())


def test_district_is_split_from_town_name_even_when_the_district_kana_repeats(master):
    # 北群馬郡 reads キタグンマグン: the split must use the last グン, not the first.
    yoshioka = Municipality.objects.get(name="吉岡町", district="北群馬郡")
    assert (yoshioka.kana, yoshioka.district_kana) == ("ヨシオカマチ", "キタグンマグン")
    assert yoshioka.full_name == "群馬県北群馬郡吉岡町"
    # 郡山市 and 大和郡山市 are cities whose names contain 郡; they have no district.
    assert Municipality.objects.get(name="郡山市").district == ""
    assert Municipality.objects.get(name="大和郡山市").district == ""


def test_tokyo_island_municipalities_keep_their_own_names(master):
    miyake = Municipality.objects.get(code="133817")
    assert (miyake.name, miyake.district, miyake.kana) == ("三宅村", "三宅島", "ミヤケムラ")
    assert Municipality.objects.get(name="神津島村").district == ""


def test_loading_twice_changes_nothing(master):
    result = municipality_master_load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1959)


def test_loading_repairs_an_edited_entry(master):
    Municipality.objects.filter(code="131016").update(name="誤った名前")
    result = municipality_master_load()
    assert (result.created, result.updated) == (0, 1)
    assert Municipality.objects.get(code="131016").name == "千代田区"
