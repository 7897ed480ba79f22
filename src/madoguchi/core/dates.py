"""Dates and times as the reader reads them: in the active language's format (docs/i18n.md).

The formats are Django's format localisation (core/formats/, FORMAT_MODULE_PATH): 2026年12月3日 in
Japanese and やさしい日本語, 3 December 2026 in English. Templates write `{{ day|date }}` and
`{{ moment|date:"DATETIME_FORMAT" }}`; Python code uses the functions below. Staff pages are
always Japanese (core.i18n), so they keep 2026年12月3日 whatever a resident chose.
"""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.translation import get_language

from madoguchi.core.i18n import JAPANESE


def japanese_active() -> bool:
    """True for 日本語 and やさしい日本語 (ja-x-easy): pages where 和暦 is read as well."""
    return (get_language() or JAPANESE).split("-")[0] == JAPANESE


def date_text(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def datetime_text(value: datetime.datetime) -> str:
    """In Japan time (an aware datetime is converted first)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
