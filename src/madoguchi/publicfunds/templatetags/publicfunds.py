from django import template

from madoguchi.core.zengin import zengin_kana_display

register = template.Library()


@register.filter
def kana_display(value: str) -> str:
    """A 全銀 half-width kana name shown in full-width katakana (ﾀﾞ → ダ)."""
    return zengin_kana_display(str(value or ""))
