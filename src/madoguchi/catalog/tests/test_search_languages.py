"""English and やさしい日本語 phrases find the procedures too (issue 16)."""

import pytest

from madoguchi.catalog.selectors import procedure_search

pytestmark = pytest.mark.django_db


def first(q: str) -> str:
    return procedure_search(q=q)[0].procedure.code


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("My house was damaged in the earthquake", "disaster-certificate"),
        ("disaster certificate", "disaster-certificate"),
        ("いえが こわれました", "disaster-certificate"),
        ("じしんで いえが こわれた", "disaster-certificate"),
        ("Child benefit", "child-allowance-claim"),
        ("We had a baby", "child-allowance-claim"),
        ("こどもの おかね", "child-allowance-claim"),
        ("あかちゃんが うまれた", "child-allowance-claim"),
    ],
)
def test_english_and_easy_japanese_find_the_procedure_first(catalog, query, expected):
    assert first(query) == expected


def test_english_words_do_not_find_everything(catalog):
    assert procedure_search(q="passport renewal abroad") == []


def test_procedure_pages_show_names_in_the_resident_language(client, catalog):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/procedures/?q=child+benefit").content.decode()
    assert "Child allowance: first claim" in html
    html = client.get("/procedures/disaster-certificate/").content.decode()
    assert "<h1>Disaster victim certificate (罹災証明書)</h1>" in html
    assert "<title>Disaster victim certificate" in html
    client.post("/i18n/setlang/", {"language": "ja-x-easy", "next": "/"})
    html = client.get("/procedures/child-allowance-revision/").content.decode()
    assert "児童手当" in html and "変わる" in html
    # The summary in easy Japanese too (furigana added by the page: 額 is not 教育漢字).
    assert '<p class="lead">子どもが ふえた' in html
    assert '<p class="lead"><span lang="ja">' not in html


def test_municipal_texts_keep_their_japanese_lang_on_an_english_page(client, catalog):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/procedures/disaster-certificate/?municipality=131016").content.decode()
    assert "Disasters" in html  # the life event
    assert '<dd lang="ja">' in html  # fees, deadline, contact as the municipality wrote them
