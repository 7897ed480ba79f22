import pytest

from madoguchi.catalog.models import Offering, Procedure
from madoguchi.catalog.selectors import procedure_search
from madoguchi.catalog.services import catalog_load, offering_set_online
from madoguchi.catalog.text import search_fold

pytestmark = pytest.mark.django_db


def top5(q, **kwargs):
    return [h.procedure.code for h in procedure_search(q=q, **kwargs)[:5]]


def test_all_32_standard_procedures_load_idempotently(catalog):
    assert Procedure.objects.count() == 32
    assert Procedure.objects.filter(level="prefectural").count() == 4
    again = catalog_load()
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("子どもが生まれた", "child-allowance-claim"),
        ("こどもがうまれた", "child-allowance-claim"),
        ("赤ちゃんが産まれた", "child-allowance-claim"),
        ("引っ越し", "moving-out-notification"),
        ("引越", "moving-out-notification"),
        ("転居", "moving-out-notification"),
        ("ひっこし", "moving-out-notification"),
        ("引っ越し", "child-allowance-change"),  # 住所変更 among the top five
        ("親の介護", "care-certification"),
        ("家が壊れた", "disaster-certificate"),
        ("台風で浸水した", "disaster-certificate"),
        ("りさいしょうめい", "disaster-certificate"),
        ("ﾘｻｲｼｮｳﾒｲ", "disaster-certificate"),
        ("車庫証明", "vehicle-garage-certificate"),
        ("保育園に入れたい", "childcare-admission"),
        ("介護保険証をなくした", "care-insurance-card-reissue"),
        ("ケアマネージャー", "care-plan-request"),
        ("手すりをつけたい", "care-home-renovation"),
        ("妊娠した", "pregnancy-notification"),
        ("児童手当", "child-allowance-claim"),
    ],
)
def test_everyday_phrases_find_the_procedure_in_the_top_five(catalog, query, expected):
    assert expected in top5(query)


def test_the_most_specific_procedure_comes_first(catalog):
    assert top5("子どもが生まれた")[0] == "child-allowance-claim"
    assert top5("家が壊れた")[0] == "disaster-certificate"
    assert top5("引っ越し")[0] == "moving-out-notification"
    assert top5("親の介護")[0] == "care-certification"


def test_unrelated_words_find_nothing(catalog):
    assert top5("宇宙旅行") == []


def test_fold_ignores_width_kana_long_vowels_and_small_kana():
    assert search_fold("ケアマネージャー") == search_fold("けあまねじゃ")
    assert search_fold("ﾋｯｺｼ") == search_fold("ひっこし") == "ヒツコシ"


def test_municipality_online_procedures_come_first(catalog):
    offering_set_online(
        municipality_code="131016",
        procedure_code="child-allowance-status-report",
        form_version_ref="v1",
    )
    hits = procedure_search(q="児童手当", municipality_code="131016")
    assert hits[0].procedure.code == "child-allowance-status-report"
    assert hits[0].offering is not None
    assert hits[0].offering.online
    online_only = procedure_search(q="児童手当", municipality_code="131016", online=True)
    assert [h.procedure.code for h in online_only] == ["child-allowance-status-report"]
    assert procedure_search(q="児童手当", online=True)[0].procedure.code == (
        "child-allowance-status-report"
    )


def test_prefectural_procedures_come_from_the_prefecture(catalog):
    [hit] = [
        h
        for h in procedure_search(q="車庫証明", municipality_code="131016")
        if h.procedure.code == "vehicle-garage-certificate"
    ]
    assert hit.offering is not None
    assert hit.offering.municipality_id == "130001"


def test_ward_residents_get_their_designated_city_offering(catalog):
    Offering.objects.create(
        municipality_id="141003",
        procedure_id="disaster-certificate",
        online=True,
        form_version_ref="yokohama-v1",
    )
    # 横浜市中区 141046: municipal procedures are run by 横浜市.
    [hit] = procedure_search(q="罹災証明書", municipality_code="141046")[:1]
    assert hit.offering is not None
    assert hit.offering.municipality_id == "141003"


def test_life_event_filter(catalog):
    codes = {h.procedure.code for h in procedure_search(life_event="disaster")}
    assert codes == {"disaster-certificate"}
    assert len(procedure_search(life_event="care")) == 11


def test_catalog_and_standard_forms_agree_on_signatures(catalog):
    from madoguchi.forms import presets

    for procedure in Procedure.objects.all():
        preset = presets.preset_get(procedure.code)
        assert preset is not None, procedure.code
        assert preset.definition["signature_required"] == procedure.signature_required, (
            procedure.code
        )


def test_a_renamed_procedure_is_searched_by_its_new_name(catalog):
    # The search index is rebuilt when a procedure's updated_at moves.
    assert top5("車庫証明")[0] == "vehicle-garage-certificate"
    from madoguchi.catalog.services import catalog_load
    from madoguchi.core.records import changed_fields_save

    procedure = Procedure.objects.get(code="vehicle-garage-certificate")
    changed_fields_save(procedure, {"name": "駐車場証明の申請", "keywords": ["駐車場証明"]})
    assert top5("駐車場証明")[0] == "vehicle-garage-certificate"
    catalog_load()
    assert (
        Procedure.objects.get(code="vehicle-garage-certificate").name == "自動車保管場所証明の申請"
    )
