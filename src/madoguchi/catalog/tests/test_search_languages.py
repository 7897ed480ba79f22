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
