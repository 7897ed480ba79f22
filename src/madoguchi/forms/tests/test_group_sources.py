"""A group item's linkage source (docs/forms.md, "Linkage sources"): a list of people from the
catalogue, its row fields mapped onto the group's items with the same field types; and the
staff editor's 「情報連携」 column."""

from __future__ import annotations

from typing import Any

import pytest

from madoguchi.forms import language, presets

from .conftest import CHIYODA


def _definition(source: dict[str, Any] | None, *, child_source: Any = None) -> dict[str, Any]:
    name: dict[str, Any] = {"code": "child.name", "type": "name", "label": "氏名"}
    if child_source is not None:
        name["source"] = child_source
    group: dict[str, Any] = {
        "code": "children",
        "type": "group",
        "label": "児童",
        "max": 5,
        "items": [
            name,
            {"code": "child.birth_date", "type": "date", "label": "生年月日"},
            {"code": "child.note", "type": "text", "label": "備考"},
        ],
    }
    if source is not None:
        group["source"] = source
    return {
        "language": "madoguchi-form/1",
        "procedure_code": "x",
        "title": "t",
        "preset_version": 1,
        "signature_required": False,
        "pages": [{"id": "p", "title": "P", "items": [group]}],
    }


def _problems(definition: dict[str, Any]) -> str:
    with pytest.raises(language.DefinitionError) as error:
        language.definition_check(definition)
    return " ".join(error.value.problems)


def test_a_group_maps_its_items_onto_the_fields_of_a_list_of_people():
    fields = {"child.name": "name", "child.birth_date": "birth_date"}
    language.definition_check(
        _definition({"item": "jumin.household_children", "locked": True, "fields": fields})
    )


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ({"item": "jumin.household_children"}, "is a list: name its fields"),
        (
            {"item": "jumin.household_children", "fields": {"child.shoe": "name"}},
            "'child.shoe' is not an item of this group",
        ),
        (
            {"item": "jumin.household_children", "fields": {"child.name": "shoe_size"}},
            "has no field 'shoe_size'",
        ),
        (
            {"item": "jumin.household_children", "fields": {"child.note": "birth_date"}},
            "field birth_date gives a date, not a text",
        ),
        ({"item": "jumin.name", "fields": {"child.name": "name"}}, "gives a name, not a group"),
    ],
)
def test_a_group_source_that_does_not_fit_is_refused(source, problem):
    assert problem in _problems(_definition(source))


def test_a_list_of_people_is_not_a_single_item_and_group_items_name_no_source():
    single = _definition(None)
    single["pages"][0]["items"].append(
        {
            "code": "a.name",
            "type": "name",
            "label": "A",
            "source": {"item": "jumin.household_members"},
        }
    )
    assert "gives a group, not a name" in _problems(single)
    assert "take their source from the group's source" in _problems(
        _definition(None, child_source={"item": "jumin.name"})
    )
    # The schema: `fields` maps item codes to field names, nothing else.
    assert "fields" in _problems(
        _definition({"item": "jumin.household_children", "fields": {"child.name": 3}})
    )


def test_the_three_linked_presets_fill_their_groups_from_the_registry():
    def group_source(code: str, group: str) -> dict[str, Any]:
        preset = presets.preset_get(code)
        assert preset is not None
        return next(
            item["source"]
            for page in preset.definition["pages"]
            for item in page["items"]
            if item["code"] == group
        )

    claim = group_source("child-allowance-claim", "children")
    assert claim["item"] == "jumin.household_children" and not claim.get("locked")
    assert claim["fields"]["child.birth_date"] == "birth_date"
    assert group_source("childcare-admission", "children")["item"] == "jumin.household_children"
    members = group_source("childcare-admission", "household.members")
    assert members["item"] == "jumin.household_members" and not members.get("locked")
    disaster = group_source("disaster-certificate", "household.members")
    assert disaster == {
        "item": "jumin.household_members",
        "locked": True,
        "fields": {"member.name": "name"},
    }


@pytest.mark.django_db
def test_the_editor_shows_each_items_linkage_source(editor_client, disaster_form):
    html = editor_client.get(f"/staff/forms/{CHIYODA}/disaster-certificate/").content.decode()
    assert '<th scope="col">情報連携</th>' in html
    # The group's source, locked, and the row item it fills.
    assert "住民基本台帳：本人以外の世帯員（変更不可）" in html
    assert "本人以外の世帯員：各人の氏名" in html
    assert "住民基本台帳：氏名（変更不可）" in html  # a single item, as before
