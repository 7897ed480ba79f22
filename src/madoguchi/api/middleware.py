"""413 for API requests whose body is larger than the API accepts, before the body is read.

DRF's parsers read the request stream themselves, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never
limits a JSON body: a 10 MB CMS was read, decoded and parsed in full. This middleware looks at
Content-Length only and answers 413 problem+json at once; nothing of the body is buffered.

After the answer is written, the rest of the body is read and thrown away in small chunks
(bounded in bytes and time). Closing a socket with unread data makes the kernel send a TCP
reset, and a client still uploading then loses the 413 it was sent ("connection reset"); a
client that sends `Expect: 100-continue` never uploads at all where the server honours it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from madoguchi.api import conf
from madoguchi.api.problems import PROBLEM_CONTENT_TYPE, problem_body

_API_PREFIX = "/api/"
_CHUNK = 64 * 1024
_DRAIN_SECONDS = 10.0


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _limit_for(request: HttpRequest) -> int:
    # Multipart file uploads (POST /applications/{id}/attachments) may carry one file of the
    # largest size a form item accepts; every other request is JSON.
    if request.path_info.endswith("/attachments"):
        return conf.max_upload_bytes()
    return conf.max_request_bytes()


def _drain(stream: Any, remaining: int) -> None:
    deadline = time.monotonic() + _DRAIN_SECONDS
    remaining = min(remaining, conf.max_drain_bytes())
    try:
        while remaining > 0 and time.monotonic() < deadline:
            chunk = stream.read(min(_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
    except OSError:
        return  # the client went away: nothing left to protect


class _DrainingResponse(HttpResponse):
    """A response that, once written, reads the rest of the request body and throws it away."""

    def __init__(self, *args: Any, stream: Any, remaining: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stream, self._remaining = stream, remaining

    def close(self) -> None:
        super().close()
        if self._stream is not None:
            _drain(self._stream, self._remaining)
            self._stream = None


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(_API_PREFIX):
            length = _content_length(request)
            limit = _limit_for(request)
            if length > limit:
                return self._too_large(request, length, limit)
        return self.get_response(request)

    def _too_large(self, request: HttpRequest, length: int, limit: int) -> HttpResponse:
        body = problem_body(
            status_code=413,
            code="request_too_large",
            title=_("The request is too large."),
            detail=_(
                "This request may be at most %(limit)s bytes; it announced %(length)s bytes. "
                "Send large files one by one to POST /api/v1/applications/{id}/attachments."
            )
            % {"limit": f"{limit:,}", "length": f"{length:,}"},
            max_bytes=limit,
        )
        return _DrainingResponse(
            json.dumps(body, ensure_ascii=False),
            status=413,
            content_type=PROBLEM_CONTENT_TYPE,
            stream=request.META.get("wsgi.input"),
            remaining=length,
        )
