"""Staff sign-in: password, then a TOTP code (django-otp), with lockout (django-axes).

Step 1 is Django's login with the password (audited as auth.login; Axes counts failures).
Step 2 asks for the 6-digit code of the staff member's authenticator app; a first sign-in
enrols the app from a QR code. Only then is the session "verified", and `staff_required`
lets it into staff pages. A wrong code counts as a failed sign-in for Axes and the audit log,
so five wrong passwords or codes lock the username.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, cast

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from madoguchi.accounts.models import User
from madoguchi.accounts.selectors import is_national_admin, membership_list
from madoguchi.audit.services import audit_record

P = ParamSpec("P")
DEVICE_NAME = "authenticator"


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def staff_required(view: Callable[P, HttpResponseBase]) -> Callable[P, HttpResponseBase]:
    """Password and TOTP: anyone else goes to the sign-in step they have not passed yet."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        request = cast(HttpRequest, args[0])
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_verified(request):
            return redirect(
                f"{reverse('accounts:staff-otp')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(*args, **kwargs)

    return wrapper


def confirmed_device(user: User) -> TOTPDevice | None:
    return cast(
        TOTPDevice | None,
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first(),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class StaffLoginView(auth_views.LoginView):
    """Step 1: the password. Then on to the TOTP step, never straight into staff pages."""

    template_name = "accounts/staff_login.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not is_verified(request):
            return redirect(_with_next("accounts:staff-otp", _next_url(request)))
        if is_verified(request):
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return _with_next("accounts:staff-otp", _next_url(self.request))


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=10,
        help_text=_("The 6-digit code shown in your authenticator app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(str(self.cleaned_data["token"]).split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Enter the 6 digits of the code."), code="format")
        return token


def _locked(request: HttpRequest, user: User) -> bool:
    return bool(AxesProxyHandler.is_locked(request, {"username": user.get_username()}))


def _refuse_code(request: HttpRequest, user: User, form: TokenForm) -> HttpResponse | None:
    """A wrong code is a failed sign-in: audited, and counted by Axes towards the lockout."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    if getattr(request, "axes_locked_out", False) or _locked(request, user):
        logout(request)
        return render(request, "accounts/lockout.html", status=429)
    form.add_error("token", _("The code is not correct. Enter the current code of your app."))
    return None


def _require_staff_member(user: User) -> None:
    # Platform operators (is_staff: the operator admin) sign in through the same two steps.
    if user.is_staff:
        return
    if not membership_list(user=user).exists() and not is_national_admin(user=user):
        raise PermissionDenied


def otp_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code of an enrolled authenticator app."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    next_url = _next_url(request)
    if is_verified(request):
        return redirect(next_url)
    _require_staff_member(user)
    device = confirmed_device(user)
    if device is None:
        return redirect(_with_next("accounts:staff-otp-setup", next_url))
    if _locked(request, user):
        logout(request)
        return render(request, "accounts/lockout.html", status=429)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit_record(action="auth.otp_verified", actor=user)
            return redirect(next_url)
        lockout = _refuse_code(request, user, form)
        if lockout is not None:
            return lockout
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def _qr_data_uri(text: str) -> str:
    svg = segno.make(text, error="m").svg_inline(scale=4, dark="#1a1a1a", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def otp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: enrol an authenticator app (QR code, or the key typed by hand)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    next_url = _next_url(request)
    _require_staff_member(user)
    if confirmed_device(user) is not None:
        return redirect(_with_next("accounts:staff-otp", next_url))
    if _locked(request, user):
        logout(request)
        return render(request, "accounts/lockout.html", status=429)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(action="auth.otp_enrolled", actor=user)
            return redirect(next_url)
        lockout = _refuse_code(request, user, form)
        if lockout is not None:
            return lockout
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": _qr_data_uri(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


# --- demo -----------------------------------------------------------------------------------

# The demo staff's shared TOTP key (20 bytes; documented in docs/reception.md so a person can
# add it to an authenticator app or run `manage.py demo_totp <user>`). Demo only.
DEMO_TOTP_KEY = b"madoguchi-demo-totp!"
DEMO_TOTP_BASE32 = base64.b32encode(DEMO_TOTP_KEY).decode()


def demo_totp_devices_setup(*, usernames: list[str]) -> int:
    """Give each demo staff user a confirmed TOTP device with the documented key (idempotent)."""
    created = 0
    for user in User.objects.filter(username__in=usernames):
        device = confirmed_device(user)
        if device is None:
            TOTPDevice.objects.create(
                user=user, name=DEVICE_NAME, confirmed=True, key=DEMO_TOTP_KEY.hex()
            )
            created += 1
        elif device.key != DEMO_TOTP_KEY.hex():
            device.key = DEMO_TOTP_KEY.hex()
            device.save(update_fields=["key"])
    return created


@dataclass(frozen=True)
class DemoCode:
    code: str
    seconds_left: int


class NotADemoUser(Exception):
    """The user is not a demo staff user with the documented demo key."""


def demo_totp_code(
    *, username: str, demo_usernames: Iterable[str], at: float | None = None
) -> DemoCode:
    """The code the demo authenticator shows now for a demo staff user, and how many seconds
    it stays valid. A code is accepted once: when the current one was already used, the next
    one is given (the device accepts one step ahead). Only for the users in `demo_usernames`
    whose device holds the documented demo key; anyone else raises NotADemoUser."""
    if username not in set(demo_usernames):
        raise NotADemoUser(username)
    user = User.objects.filter(username=username).first()
    device = confirmed_device(user) if user is not None else None
    if device is None or device.bin_key != DEMO_TOTP_KEY:
        raise NotADemoUser(username)
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = time.time() if at is None else at
    generator.drift = device.drift
    if generator.t() <= device.last_t:
        generator.drift += device.last_t - generator.t() + 1
    elapsed = (int(generator.time) - device.t0) % device.step
    seconds_left = device.step - elapsed + device.step * (generator.drift - device.drift)
    return DemoCode(code=f"{generator.token():0{device.digits}d}", seconds_left=seconds_left)
