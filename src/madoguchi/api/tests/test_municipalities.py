import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/municipalities"


def results(response):
    assert response.status_code == 200, response.content
    return [(m["code"], m["name"]) for m in response.json()["results"]]


def test_postal_code_finds_chiyoda(client, master):
    assert results(client.get(URL, {"postal_code": "1000013"})) == [("131016", "千代田区")]
    assert results(client.get(URL, {"postal_code": "100-0013"})) == [("131016", "千代田区")]


def test_office_postal_code_finds_its_municipality(client, master):
    # 100-8111 is an office code (宮内庁), not in the street-address table.
    assert results(client.get(URL, {"postal_code": "1008111"})) == [("131016", "千代田区")]


def test_code_returns_the_full_entry(client, master):
    body = client.get(URL, {"code": "131016"}).json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "code": "131016",
        "name": "千代田区",
        "kana": "チヨダク",
        "kind": "special_ward",
        "prefecture_code": "130001",
        "parent_code": None,
        "district": "",
        "full_name": "東京都千代田区",
    }


@pytest.mark.parametrize("q", ["ちよだ", "チヨダ", "ﾁﾖﾀﾞ", "千代田", " ちよだ "])
def test_name_or_kana_in_any_width(client, master, q):
    found = results(client.get(URL, {"q": q}))
    assert ("131016", "千代田区") in found
    assert ("105236", "千代田町") in found


def test_filters_combine(client, master):
    assert results(client.get(URL, {"q": "ちよだ", "prefecture": "130001"})) == [
        ("131016", "千代田区")
    ]
    assert len(results(client.get(URL, {"prefecture": "130001", "kind": "special_ward"}))) == 23


def test_wrong_check_digit_is_a_400_problem_in_japanese(client, master):
    response = client.get(URL, {"code": "131017"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["errors"][0]["field"] == "code"
    assert "131017" in body["errors"][0]["message"]
    assert "検査数字" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("postal_code", "fragment"),
    [
        ("12ab", "郵便番号の形式ではありません"),
        ("10000133", "郵便番号の形式ではありません"),
        ("0000000", "存在しません"),
    ],
)
def test_malformed_or_unknown_postal_code_is_a_400(client, master, postal_code, fragment):
    response = client.get(URL, {"postal_code": postal_code})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "postal_code"
    assert fragment in error["message"]


def test_list_is_paginated(client, master):
    body = client.get(URL).json()
    assert body["count"] == 1959
    assert len(body["results"]) == 100
    assert "page=2" in body["next"]


def test_openapi_document_describes_the_endpoint(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/municipalities"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"code", "postal_code", "q"}
    assert "地方公共団体" in operation["summary"]


def test_api_docs_are_served_locally(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/applications/0"),
        ("post", "/api/v1/nothing-here"),
        ("get", "/api/v1/x/y"),
        ("get", "/api/v1/applications/a%0Ab"),  # a newline in the path
    ],
)
def test_an_unknown_api_path_is_a_404_problem_in_japanese(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["type"].rsplit("/", 1)[-1]) == (404, "not-found")
    assert body["title_en"] == "There is no such API endpoint."
    assert body["title"] == "そのような API はありません。"
