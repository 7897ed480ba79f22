"""RFC 9457 problem details for every API error.

Every error body is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail`` in Japanese, and ``title_en`` / ``detail_en`` in English; validation errors add
``errors``: one entry per failing field (``field``, ``code``, ``message``, ``message_en``), so a
portal can show the message next to the field that caused it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from madoguchi.api.english import english

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://madoguchi.jp/problems/"


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error dict/list → [{"field": "a.b", "message": "…"}]."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, str):
                out += _flatten(value, f"{prefix}[{index}]")
            else:
                out += _flatten(value, prefix)
        return out
    return [field_error(field=prefix, message=str(detail), code=getattr(detail, "code", "invalid"))]


def field_error(*, field: str, message: str, code: str = "invalid") -> dict[str, str]:
    return {"field": field, "code": str(code), "message": message, "message_en": english(message)}


def problem_body(
    *, status_code: int, code: str, title: str, detail: str = "", **extra: Any
) -> dict[str, Any]:
    return {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": title,
        "title_en": english(title),
        "status": status_code,
        "detail": detail,
        "detail_en": english(detail),
        **extra,
    }


class ApiProblem(exceptions.APIException):
    """Raise from a view to answer with a problem document (`extra` members are added)."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        title: str,
        detail: str = "",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail=title, code=code)
        self.status_code = status_code
        self.body = problem_body(
            status_code=status_code, code=code, title=title, detail=detail, **extra
        )
        self.headers = headers or {}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiProblem):
        body = exc.body
        for name, value in exc.headers.items():
            response[name] = value
    elif isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            status_code=response.status_code,
            code="validation-error",
            title=_("Your request has errors."),
            detail=_("Correct the fields listed in errors and try again."),
            errors=_flatten(exc.detail),
        )
    else:
        detail = getattr(exc, "detail", None)
        code = getattr(detail, "code", None) or "error"
        text = str(detail) if detail is not None else _("Error")
        body = problem_body(
            status_code=response.status_code,
            code=str(code),
            title=text,
            detail=str(detail) if detail is not None else "",
        )
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(*, status_code: int, code: str, title: str, detail: str = "") -> Response:
    return Response(
        problem_body(status_code=status_code, code=code, title=title, detail=detail),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "ApiProblem",
    "field_error",
    "problem_body",
    "problem_exception_handler",
    "problem_response",
    "status",
]
