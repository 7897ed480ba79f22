"""Keeping 個人番号 out of log lines and error pages.

Answers are encrypted at rest (madoguchi.core.identifiers) and masked on screens and in exports;
what is left is text that passes through the process: a log message with a request body, a
validation error, the local variables of a traceback. Anything that reads as a valid 個人番号 —
12 digits, ASCII or full width, optionally in groups of 4 separated by a space or hyphen, with
a correct check digit — is replaced by its masked form (********9018) before it is written.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from madoguchi.forms.mynumber import is_valid, mask

_DIGIT = r"[0-9０-９]"
_CANDIDATE = re.compile(
    rf"(?<![0-9０-９])(?:{_DIGIT}{{12}}|{_DIGIT}{{4}}[ \-－　]{_DIGIT}{{4}}[ \-－　]{_DIGIT}{{4}})"
    r"(?![0-9０-９])"
)


def _replace(match: re.Match[str]) -> str:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", match.group()) if ch.isdigit())
    return mask(digits) if is_valid(digits) else match.group()


def redact(text: str) -> str:
    """`text` with every valid 個人番号 masked."""
    return _CANDIDATE.sub(_replace, text)


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item) for item in value)
    return value


class MyNumberLogFilter(logging.Filter):
    """On a handler: the formatted message of every record is redacted (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class MyNumberSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter (secrets in settings hidden), plus 個人番号 masked in POST data, GET
    parameters and the local variables of every frame of the traceback."""

    def get_post_parameters(self, request: Any) -> Any:
        params: Any = super().get_post_parameters(request)
        if not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            cleansed.setlist(key, [redact_value(v) for v in cleansed.getlist(key)])
        return cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        return [
            (name, redact_value(value) if isinstance(value, str | dict | list | tuple) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

    def cleanse_special_types(self, request: Any, value: Any) -> Any:
        value = super().cleanse_special_types(request, value)
        return redact_value(value) if isinstance(value, str) else value


class MyNumberSafeExceptionReporter(ExceptionReporter):
    """The debug page and the e-mailed error report, redacted as a whole once rendered: the
    exception's own message and every repr on the page are covered, not only the variables."""

    # mark_safe: the page was escaped when rendered; masking only turns digits into "*".
    def get_traceback_html(self) -> SafeString:
        return mark_safe(redact(str(super().get_traceback_html())))  # noqa: S308

    def get_traceback_text(self) -> SafeString:
        return mark_safe(redact(str(super().get_traceback_text())))  # noqa: S308
