"""RFC 9457 problem details for every API error.

Every error body is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail``; validation errors add ``errors``: one entry per failing field, so a portal can show
the message next to the field that caused it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

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
    return [{"field": prefix, "message": str(detail), "code": getattr(detail, "code", "invalid")}]


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + "validation-error",
            "title": _("Your request has errors."),
            "status": response.status_code,
            "detail": _("Correct the fields listed in errors and try again."),
            "errors": _flatten(exc.detail),
        }
    else:
        detail = getattr(exc, "detail", None)
        code = getattr(detail, "code", None) or "error"
        body = {
            "type": PROBLEM_BASE + str(code).replace("_", "-"),
            "title": str(detail) if detail is not None else _("Error"),
            "status": response.status_code,
            "detail": str(detail) if detail is not None else "",
        }
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(*, status_code: int, code: str, title: str, detail: str = "") -> Response:
    return Response(
        {"type": PROBLEM_BASE + code, "title": title, "status": status_code, "detail": detail},
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


__all__ = ["PROBLEM_CONTENT_TYPE", "problem_exception_handler", "problem_response", "status"]
