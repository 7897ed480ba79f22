"""The public open-data pages in English and やさしい日本語 (issue 16): the page text, the figures'
captions and headers; the files themselves stay language-neutral (codes and ISO dates)."""

import pytest

pytestmark = pytest.mark.django_db


def _choose(client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/opendata/"})
    assert response.status_code == 302


def test_the_open_data_page_in_each_language(client, catalog):
    japanese = client.get("/opendata/").content.decode()
    assert "オープンデータ：オンライン手続の一覧" in japanese
    _choose(client, "en")
    english = client.get("/opendata/").content.decode()
    assert '<html lang="en">' in english
    assert "Open data: the catalogue of online procedures" in english
    assert "Data dictionary" in english
    assert "データ項目の説明" not in english
    _choose(client, "ja-x-easy")
    easy = client.get("/opendata/").content.decode()
    assert '<html lang="ja-x-easy">' in easy
    assert "データの 列の 説明" in easy


def test_the_adoption_page_in_english_and_its_csv_unchanged(client, catalog):
    japanese_csv = b"".join(client.get("/opendata/adoption/procedures.csv").streaming_content)
    _choose(client, "en")
    html = client.get("/opendata/adoption/").content.decode()
    assert "Adoption of online applications" in html
    assert "Adoption per standard procedure" in html
    assert "Share of organisations offering each procedure online" in html  # the chart's title
    assert "標準手続ごとの導入状況" not in html
    english_csv = b"".join(client.get("/opendata/adoption/procedures.csv").streaming_content)
    assert english_csv == japanese_csv  # data, not text: column codes and numbers
