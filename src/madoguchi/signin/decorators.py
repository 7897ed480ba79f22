from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from madoguchi.signin.selectors import resident_claims

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def resident_login_required(view: ViewFunc) -> ViewFunc:
    """Let the view run only for a resident signed in through OpenID Connect; send anyone else
    to /signin/?next=<this page> (a staff password login does not count)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if resident_claims(request) is None:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('signin:start')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
