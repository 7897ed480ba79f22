"""All 32 standard presets load, render, validate their samples and export JSON Schema."""

from __future__ import annotations

import copy
import json
from collections import defaultdict

import pytest
from jsonschema import Draft202012Validator

from madoguchi.forms import language, presets, selectors
from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.language import all_items
from madoguchi.forms.rendering import render_items

ALL = list(presets.preset_all().values())
IDS = [p.procedure_code for p in ALL]


def test_there_is_a_preset_for_every_standard_procedure():
    codes = set(presets.procedures())
    assert len(codes) == 32
    assert set(presets.preset_all()) == codes
    levels = {p.procedure_code: p.level for p in ALL}
    assert sum(level == "prefectural" for level in levels.values()) == 4


def test_the_language_schema_is_valid_and_knows_every_field_type():
    Draft202012Validator.check_schema(language.meta_schema())
    enum = language.meta_schema()["$defs"]["item"]["properties"]["type"]["enum"]
    assert sorted(enum) == registry.keys()


@pytest.mark.parametrize("preset", ALL, ids=IDS)
def test_preset_samples_validate_and_match_the_json_schema(preset):
    assert isinstance(preset.definition["signature_required"], bool)
    assert preset.samples, "every preset ships sample answers"
    schema = selectors.form_json_schema(form_version=preset.definition)
    Draft202012Validator.check_schema(schema)
    for sample in preset.samples:
        result = selectors.form_validate(form_version=preset.definition, answers=sample)
        assert result.errors == []
        assert not list(Draft202012Validator(schema).iter_errors(sample))
        assert not list(Draft202012Validator(schema).iter_errors(result.answers))
        # Normalising is idempotent: stored answers validate to themselves.
        again = selectors.form_validate(form_version=preset.definition, answers=result.answers)
        assert again.errors == [] and again.answers == result.answers


@pytest.mark.parametrize("preset", ALL, ids=IDS)
def test_preset_pages_render(preset):
    sample = preset.samples[0]
    answers = selectors.form_validate(form_version=preset.definition, answers=sample).answers
    for page in preset.definition["pages"]:
        html = render_items(definition=preset.definition, page=page, raw=sample, answers=answers)
        for item in page["items"]:
            if item.get("visible_if") and item["code"] not in answers:
                continue  # decided by an answer on another page
            assert item["label"] in html


@pytest.mark.parametrize("preset", ALL, ids=IDS)
def test_empty_answers_name_every_required_field_in_japanese(preset):
    result = selectors.form_validate(form_version=preset.definition, answers={})
    assert result.errors
    for error in result.errors:
        assert error.code in {"required", "min_entries"}
        assert "「" in error.message and "」" in error.message


def test_standard_item_codes_mean_the_same_everywhere():
    seen: dict[str, set[str]] = defaultdict(set)
    for preset in ALL:
        for item in all_items(preset.definition):
            seen[item["code"]].add(
                json.dumps({k: item.get(k) for k in ("type", "options")}, sort_keys=True)
            )
    differing = {code: shapes for code, shapes in seen.items() if len(shapes) > 1}
    assert not differing
    applicant = [
        p for p in ALL if any(i["code"] == "applicant.name" for i in all_items(p.definition))
    ]
    assert len(applicant) >= 20


def test_the_paper_forms_items_are_there():
    def codes(code: str) -> set[str]:
        preset = presets.preset_get(code)
        assert preset is not None
        return {item["code"] for item in all_items(preset.definition)}

    assert {
        "applicant.name",
        "spouse.name",
        "children",
        "child.birth_date",
        "payee.account",
        "income.amount",
        "claimant.is_civil_servant",
    } <= codes("child-allowance-claim")
    assert {"insured.number", "physician.name", "physician.institution", "stay.status"} <= codes(
        "care-certification"
    )
    assert {
        "disaster.location",
        "disaster.date",
        "disaster.cause",
        "disaster.damage_level",
    } <= codes("disaster-certificate")
    assert {"moving.new_address", "moving.date", "moving.members"} <= codes(
        "moving-out-notification"
    )


def test_a_broken_definition_is_refused_with_reasons():
    broken = {
        "language": "madoguchi-form/1",
        "procedure_code": "x",
        "title": "t",
        "preset_version": 1,
        "signature_required": False,
        "pages": [
            {
                "id": "p",
                "title": "P",
                "items": [
                    {
                        "code": "a",
                        "type": "text",
                        "label": "A",
                        "visible_if": {"item": "b", "equals": "y"},
                    },
                    {"code": "b", "type": "select", "label": "B"},
                    {"code": "b", "type": "text", "label": "B2", "validators": {"minimum": 1}},
                ],
            }
        ],
    }
    with pytest.raises(language.DefinitionError) as error:
        language.definition_check(broken)
    text = " ".join(error.value.problems)
    assert "duplicate item code" in text
    assert "needs options" in text
    assert "does not apply" in text
    assert "earlier item" in text
    with pytest.raises(language.DefinitionError):
        language.definition_check(
            {
                **broken,
                "pages": [
                    {
                        "id": "p",
                        "title": "P",
                        "items": [
                            {"code": "a", "type": "text", "label": "A", "onclick": "alert(1)"}
                        ],
                    }
                ],
            }
        )


def test_page_ids_used_by_the_application_flow_are_refused():
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    definition = copy.deepcopy(preset.definition)
    definition["pages"][0]["id"] = "receipt"
    with pytest.raises(language.DefinitionError) as error:
        language.definition_check(definition)
    assert "reserved page id" in " ".join(error.value.problems)


def test_a_linkage_source_must_be_a_catalogue_item_of_the_same_type():
    def definition(source):
        return {
            "language": "madoguchi-form/1",
            "procedure_code": "x",
            "title": "t",
            "preset_version": 1,
            "signature_required": False,
            "pages": [
                {
                    "id": "p",
                    "title": "P",
                    "items": [{"code": "a.b", "type": "name", "label": "A", "source": source}],
                }
            ],
        }

    language.definition_check(definition({"item": "jumin.name", "locked": True}))
    with pytest.raises(language.DefinitionError) as unknown:
        language.definition_check(definition({"item": "jumin.shoe_size"}))
    assert "unknown linkage item 'jumin.shoe_size'" in str(unknown.value.problems)
    with pytest.raises(language.DefinitionError) as mismatch:
        language.definition_check(definition({"item": "tax.income"}))
    assert "gives a number, not a name" in str(mismatch.value.problems)


def test_the_linked_presets_name_their_sources():
    def sources(code):
        preset = presets.preset_get(code)
        assert preset is not None
        return {
            i["code"]: i["source"]["item"] for i in all_items(preset.definition) if "source" in i
        }

    assert sources("child-allowance-claim")["income.amount"] == "tax.income"
    assert sources("childcare-admission")["guardian.child_allowance"] == "child_allowance.receiving"
    assert sources("disaster-certificate")["applicant.name"] == "jumin.name"
