"""Helpers for tests that need a signed-in staff member (password and TOTP passed)."""

from __future__ import annotations

import time
from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.accounts.staff_auth import DEMO_TOTP_KEY, DEVICE_NAME, confirmed_device


def staff_device(user: User) -> TOTPDevice:
    """The user's confirmed TOTP device (created with the demo key if they have none)."""
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, confirmed=True, key=DEMO_TOTP_KEY.hex()
        )
    return device


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app shows now (or at `at`, seconds since the epoch)."""
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = time.time() if at is None else at
    return f"{generator.token():0{device.digits}d}"


def staff_login(client: Any, user: User | str) -> User:
    """Sign `user` in on the Django test client as if they had passed both steps."""
    if isinstance(user, str):
        user = User.objects.get(username=user)
    device = staff_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def staff_browser_login(page: Any, url: str, username: str) -> None:
    """In a real browser: open `url` (a staff page), pass the password and TOTP steps as
    `username`, and land on `url` again."""
    device = staff_device(User.objects.get(username=username))
    page.goto(url)
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認して進む").click()
