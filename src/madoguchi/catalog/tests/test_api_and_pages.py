import pytest

from madoguchi.catalog.services import offering_set_online

pytestmark = pytest.mark.django_db


def test_api_search_with_municipality(client, catalog):
    offering_set_online(
        municipality_code="131016", procedure_code="disaster-certificate", form_version_ref="42"
    )
    response = client.get("/api/v1/procedures", {"q": "家が壊れた", "municipality": "131016"})
    assert response.status_code == 200
    first = response.json()[0]
    assert first["procedure"]["code"] == "disaster-certificate"
    assert first["procedure"]["life_events"] == ["disaster"]
    assert first["offering"]["online"] is True
    assert first["offering"]["form_version_id"] == "42"
    assert first["offering"]["fees"] == "無料"


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"municipality": "131017"}, "municipality", "検査数字"),
        ({"municipality": "999997"}, "municipality", "地方公共団体はありません"),
        ({"life_event": "nope"}, "life_event", "ライフイベント「nope」はありません"),
        ({"online": "maybe"}, "online", "true または false"),
    ],
)
def test_api_rejects_bad_parameters_in_japanese(client, catalog, params, field, fragment):
    response = client.get("/api/v1/procedures", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == field
    assert fragment in error["message"]


def test_api_detail(client, catalog):
    body = client.get(
        "/api/v1/procedures/vehicle-garage-certificate", {"municipality": "131016"}
    ).json()
    assert body["procedure"]["level"] == "prefectural"
    assert body["offering"]["municipality_code"] == "130001"
    response = client.get("/api/v1/procedures/no-such-thing")
    assert response.status_code == 404
    assert "手続コード「no-such-thing」の手続はありません" in response.json()["title"]


def test_search_page_lists_everything_then_filters(client, catalog):
    html = client.get("/procedures/").content.decode()
    assert "すべての手続" in html and "罹災証明書の発行申請" in html
    html = client.get(
        "/procedures/", {"q": "家が壊れた", "postal_code": "1000013"}
    ).content.decode()
    assert "1件の手続が見つかりました" in html
    assert "東京都千代田区の提供内容を表示しています" in html
    assert "窓口で申請してください" in html


def test_search_page_shows_postal_code_errors_at_the_field(client, catalog):
    html = client.get("/procedures/", {"q": "介護", "postal_code": "999"}).content.decode()
    assert 'href="#id_postal_code"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="介護"' in html


def test_detail_page_with_postal_code_shows_the_offering(client, catalog):
    html = client.get(
        "/procedures/disaster-certificate/", {"postal_code": "100-0013"}
    ).content.decode()
    assert "東京都千代田区での手続" in html
    assert "被害の状況がわかる写真" in html
    html = client.get("/procedures/disaster-certificate/").content.decode()
    assert "お住まいの郵便番号" in html
    assert client.get("/procedures/nope/").status_code == 404
