"""The validator: visibility, groups, unknown items, per-page errors."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from madoguchi.forms.language import definition_check
from madoguchi.forms.selectors import form_validate

YESNO = [{"value": "yes", "label": "はい"}, {"value": "no", "label": "いいえ"}]
DEFINITION = definition_check(
    {
        "language": "madoguchi-form/1",
        "procedure_code": "test",
        "title": "テスト",
        "preset_version": 1,
        "signature_required": False,
        "pages": [
            {
                "id": "one",
                "title": "1",
                "items": [
                    {
                        "code": "spouse.exists",
                        "type": "radio",
                        "label": "配偶者",
                        "required": True,
                        "options": YESNO,
                    },
                    {
                        "code": "spouse.name",
                        "type": "name",
                        "label": "配偶者の氏名",
                        "required": True,
                        "visible_if": {"item": "spouse.exists", "equals": "yes"},
                    },
                    {"code": "note", "type": "guidance", "label": "注意", "help": "読んでください"},
                ],
            },
            {
                "id": "two",
                "title": "2",
                "items": [
                    {
                        "code": "children",
                        "type": "group",
                        "label": "対象児童",
                        "required": True,
                        "min": 1,
                        "max": 2,
                        "items": [
                            {
                                "code": "child.name",
                                "type": "name",
                                "label": "児童の氏名",
                                "required": True,
                            },
                            {
                                "code": "child.lives_together",
                                "type": "radio",
                                "label": "同居",
                                "required": True,
                                "options": YESNO,
                            },
                            {
                                "code": "child.address",
                                "type": "text",
                                "label": "児童の住所",
                                "required": True,
                                "visible_if": {
                                    "all": [
                                        {"item": "child.lives_together", "equals": "no"},
                                        {"not": {"item": "spouse.exists", "equals": "no"}},
                                    ]
                                },
                            },
                        ],
                    },
                ],
            },
        ],
    }
)
CHILD = {"child.name": {"family": "𠮷田", "given": "陽翔"}, "child.lives_together": "yes"}


def test_hidden_items_are_neither_required_nor_kept():
    result = form_validate(
        form_version=DEFINITION,
        answers={
            "spouse.exists": "no",
            "spouse.name": {"family": "x", "given": "y"},
            "children": [{**CHILD, "child.lives_together": "no", "child.address": "どこか"}],
        },
    )
    assert result.is_valid, result.errors
    assert "spouse.name" not in result.answers
    assert "child.address" not in result.answers["children"][0]


def test_visible_items_are_required_with_a_message_naming_them():
    result = form_validate(
        form_version=DEFINITION,
        answers={
            "spouse.exists": "yes",
            "children": [{**CHILD, "child.lives_together": "no"}],
        },
    )
    assert [(e.path, e.message) for e in result.errors] == [
        ("spouse.name", "「配偶者の氏名」を入力してください。"),
        ("children[0].child.address", "「児童の住所」を入力してください。"),
    ]


def test_groups_count_their_entries_and_skip_blank_ones():
    result = form_validate(
        form_version=DEFINITION,
        answers={"spouse.exists": "no", "children": [{"child.name": {"family": "", "given": ""}}]},
    )
    assert [(e.path, e.code) for e in result.errors] == [("children", "min_entries")]
    assert "「対象児童」を1件以上" in result.errors[0].message
    result = form_validate(
        form_version=DEFINITION, answers={"spouse.exists": "no", "children": [CHILD, CHILD, CHILD]}
    )
    assert [(e.path, e.code) for e in result.errors] == [("children", "max_entries")]


def test_unknown_items_and_wrong_shapes_are_errors_not_crashes():
    result = form_validate(
        form_version=DEFINITION,
        answers={"spouse.exists": ["yes"], "nope": 1, "children": "many", "note": "x"},
    )
    codes = {(e.path, e.code) for e in result.errors}
    assert ("nope", "unknown_item") in codes
    assert ("children", "type") in codes
    assert ("spouse.exists", "choice") in codes
    not_an_object: Any = []
    assert form_validate(form_version=DEFINITION, answers=not_an_object).errors[0].code == "type"


def test_page_ids_limit_errors_to_those_pages():
    result = form_validate(
        form_version=DEFINITION, answers={"spouse.exists": "yes"}, page_ids=["two"]
    )
    assert [e.path for e in result.errors] == ["children"]


def test_entry_counts_read_rightly_in_english():
    """min 1 and max 2 entries: "at least 1 entry", "at most 2 entries" (ngettext); the
    municipality's item has no English label, so it is marked as Japanese."""
    with translation.override("en"):
        blank = [{"child.name": {"family": "", "given": ""}}]
        result = form_validate(
            form_version=DEFINITION, answers={"spouse.exists": "no", "children": blank}
        )
        assert [e.message for e in result.errors] == [
            "Add at least 1 entry to 対象児童 (in Japanese only)."
        ]
        result = form_validate(
            form_version=DEFINITION,
            answers={"spouse.exists": "no", "children": [CHILD, CHILD, CHILD]},
        )
        assert [e.message for e in result.errors] == [
            "対象児童 (in Japanese only) can have at most 2 entries."
        ]
