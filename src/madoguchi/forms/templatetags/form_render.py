"""Template tags for pages built on the form engine.

{% load form_render %}
{% form_page definition page raw result answers sources offers %}   the items of one page
{% form_value item value %}                          a stored value, for check-your-answers
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.safestring import SafeString

from madoguchi.forms.fieldtypes import registry
from madoguchi.forms.language import Definition, Item, Page
from madoguchi.forms.rendering import render_items
from madoguchi.forms.validation import ValidationResult

register = template.Library()


@register.simple_tag
def form_page(
    definition: Definition,
    page: Page,
    raw: Mapping[str, Any] | None = None,
    result: ValidationResult | None = None,
    answers: Mapping[str, Any] | None = None,
    sources: Mapping[str, Any] | None = None,
    offers: Mapping[str, Any] | None = None,
) -> SafeString:
    # Missing context variables arrive as "": treat them as "nothing yet".
    return render_items(
        definition=definition,
        page=page,
        raw=raw if isinstance(raw, Mapping) else {},
        result=result if isinstance(result, ValidationResult) else None,
        answers=answers if isinstance(answers, Mapping) else None,
        sources=sources if isinstance(sources, Mapping) else None,
        offers=offers if isinstance(offers, Mapping) else None,
    )


@register.simple_tag
def form_value(item: Item, value: Any) -> str:
    field_type = registry.get(item["type"])
    return field_type.display(item, value) if field_type is not None and value is not None else ""
