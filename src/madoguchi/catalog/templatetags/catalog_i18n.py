"""`{{ procedure|procedure_name }}` and `{{ procedure|procedure_summary }}`: the resident's
language where a translation exists, else the Japanese in a `<span lang="ja">` (a page in
English says so to assistive technology). `procedure_name_text` is the plain text, for <title>."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from madoguchi.catalog.i18n import life_event_name, procedure_text

register = template.Library()


def _html(procedure: Any, field: str) -> SafeString | str:
    japanese = getattr(procedure, field, "")
    if (get_language() or "ja") == "ja":
        return str(japanese)
    translated = procedure_text(procedure.code, field)
    if translated:
        return translated
    return format_html('<span lang="ja">{}</span>', japanese)


@register.filter
def procedure_name(procedure: Any) -> SafeString | str:
    return _html(procedure, "name")


@register.filter
def procedure_summary(procedure: Any) -> SafeString | str:
    return _html(procedure, "summary")


@register.filter
def procedure_name_text(procedure: Any) -> str:
    return procedure_text(procedure.code, "name") or str(procedure.name)


@register.filter
def life_event(event: Any) -> str:
    return life_event_name(event.code, event.name)
