"""Who may open the resident pages: a resident signed in through OpenID Connect (a staff
password login does not count) and known to the registry.

The sign-in lives above this app (madoguchi.signin), so the check is a registry filled from
above: `apply` (which owns My page) registers signin's check in its AppConfig.ready(). With
nothing registered nobody is let in (fail closed)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from madoguchi.accounts.selectors import resident_for_user

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

SignedIn = Callable[[HttpRequest], bool]


class _Gate:
    signed_in: SignedIn | None = None
    login_url_name = "signin:start"


def resident_gate_register(signed_in: SignedIn, *, login_url_name: str = "signin:start") -> None:
    """`signed_in(request)`: is a resident signed in on this request? Anyone else is sent to
    `login_url_name` with ?next=<this page>."""
    _Gate.signed_in = staticmethod(signed_in)
    _Gate.login_url_name = login_url_name


def _signed_in(request: HttpRequest) -> bool:
    check = _Gate.signed_in
    return bool(check is not None and check(request))


def with_resident(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _signed_in(request):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(_Gate.login_url_name)}?{query}")
        resident: Resident | None = resident_for_user(user=request.user)
        if resident is None:
            return render(request, "publicfunds/not_registered.html", status=403)
        return view(request, resident, *args, **kwargs)

    return wrapper
