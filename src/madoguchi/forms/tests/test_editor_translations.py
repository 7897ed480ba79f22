"""A municipality's own item can carry English and easy-Japanese wording (issue 16)."""

from __future__ import annotations

import pytest

from madoguchi.forms.language import iter_items
from madoguchi.forms.models import FormVersion
from madoguchi.forms.translations import definition_localise

from .conftest import CHIYODA

pytestmark = pytest.mark.django_db
BASE = f"/staff/forms/{CHIYODA}/disaster-certificate/"
ITEM = {
    "page": "disaster",
    "code": "parking",
    "type": "radio",
    "label": "駐車場の被害",
    "help": "車庫を含みます。",
    "required": "on",
    "options": "ある\nない",
}


def _item(definition, code):
    return next(i for p in definition["pages"] for i in iter_items(p["items"]) if i["code"] == code)


def test_an_added_item_translated_in_the_editor_shows_in_each_language(editor_client):
    editor_client.post(f"{BASE}adopt/")
    response = editor_client.post(
        f"{BASE}items/add/",
        {
            **ITEM,
            "label_en": "Damage to the parking space",
            "help_en": "Including a garage.",
            "options_en": "Yes\nNo",
            "label_easy": "車を 置く 場所の こわれ",
            "options_easy": "ある\nない",
        },
    )
    assert response.status_code == 302, response.content.decode()
    editor_client.post(f"{BASE}publish/")
    definition = FormVersion.objects.get().definition
    english = _item(definition_localise(definition, "en"), "local.parking")
    assert english["label"] == "Damage to the parking space"
    assert english["help"] == "Including a garage."
    assert [o["label"] for o in english["options"]] == ["Yes", "No"]
    assert [o["value"] for o in english["options"]] == ["o1", "o2"]  # data unchanged
    easy = _item(definition_localise(definition, "ja-x-easy"), "local.parking")
    assert easy["label"] == "車を 置く 場所の こわれ"
    assert easy["help"].endswith("(in Japanese only)") or "日本語" in easy["help"]
    assert _item(definition, "local.parking")["label"] == "駐車場の被害"


def test_option_translations_must_match_the_options(editor_client):
    editor_client.post(f"{BASE}adopt/")
    response = editor_client.post(f"{BASE}items/add/", {**ITEM, "options_en": "Yes"})
    assert response.status_code == 200
    assert "2" in response.content.decode()
