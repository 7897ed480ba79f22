"""Staff sign-in: password, then TOTP; lockout after five failures; idle timeout."""

import time

import pytest
from django.conf import settings
from django.core.management import call_command

from madoguchi.accounts.models import User
from madoguchi.accounts.services import DEMO_PASSWORD
from madoguchi.accounts.staff_auth import DEMO_TOTP_BASE32, DEMO_TOTP_KEY
from madoguchi.audit.models import AuditEvent
from madoguchi.reception.testing import staff_device, totp_code

pytestmark = pytest.mark.django_db


def password_step(client, username="chiyoda-worker", next_url="/staff/reception/"):
    return client.post(
        f"/staff/login/?next={next_url}",
        {"username": username, "password": DEMO_PASSWORD, "next": next_url},
    )


def test_password_then_totp_opens_staff_pages(client, demo):
    device = staff_device(User.objects.get(username="chiyoda-worker"))
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/code/")
    # Signed in with the password only: still no staff page.
    for url in ("/staff/", "/staff/reception/", "/staff/forms/"):
        assert client.get(url)["Location"].startswith("/staff/login/code/"), url
    html = client.get(response["Location"]).content.decode()
    assert "確認コード" in html
    response = client.post(
        "/staff/login/code/", {"token": totp_code(device), "next": "/staff/reception/"}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/reception/"
    assert client.get("/staff/reception/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_verified").exists()


def test_a_code_from_another_time_window_is_refused_with_a_japanese_message(client, demo):
    device = staff_device(User.objects.get(username="chiyoda-worker"))
    password_step(client)
    old = totp_code(device, at=time.time() - 3600)
    html = client.post("/staff/login/code/", {"token": old}).content.decode()
    assert "コードが正しくありません" in html and 'aria-invalid="true"' in html
    html = client.post("/staff/login/code/", {"token": "12ab"}).content.decode()
    assert "6桁" in html


def test_five_wrong_passwords_lock_the_username_with_a_japanese_page(client, demo):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/staff/login/", {"username": "chiyoda-worker", "password": "wrong-password"}
        )
    assert response.status_code == 429
    assert "ロック" in response.content.decode()
    # Even the right password is refused while locked.
    response = password_step(client)
    assert response.status_code == 429


def test_five_wrong_codes_lock_and_sign_out(client, demo):
    staff_device(User.objects.get(username="chiyoda-worker"))
    password_step(client)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/staff/login/code/", {"token": "000000"})
    assert response.status_code == 429
    assert "ロック" in response.content.decode()
    assert client.get("/staff/")["Location"].startswith("/staff/login/?")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5


def test_first_sign_in_enrols_an_authenticator_app(client, demo):
    password_step(client, "chiyoda-auditor", "/staff/")
    response = client.get("/staff/login/code/?next=/staff/")
    assert response["Location"].startswith("/staff/login/code/setup/")
    html = client.get(response["Location"]).content.decode()
    assert "data:image/svg+xml;base64," in html and "style=" not in html
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username="chiyoda-auditor", confirmed=False)
    response = client.post(
        "/staff/login/code/setup/", {"token": totp_code(device), "next": "/staff/"}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staff/").status_code == 200


def test_sessions_expire_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_demo_setup_is_idempotent_and_uses_the_documented_key(demo):
    call_command("reception_setup_demo")
    call_command("reception_setup_demo")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user__username="chiyoda-worker")
    assert devices.count() == 1
    assert devices.get().bin_key == DEMO_TOTP_KEY
    assert DEMO_TOTP_BASE32 == "NVQWI33HOVRWQ2JNMRSW23ZNORXXI4BB"


def _demo_totp(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("demo_totp", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_demo_totp_prints_a_code_the_sign_in_accepts_and_never_a_used_one(demo):
    from django.test import Client

    call_command("reception_setup_demo")
    code, note = _demo_totp("chiyoda-worker")
    assert code.isdigit() and len(code) == 6
    assert "seconds" in note
    first = Client()
    password_step(first)
    response = first.post("/staff/login/code/", {"token": code, "next": "/staff/reception/"})
    assert response["Location"] == "/staff/reception/"
    # The code just used is spent; the command then gives the next one, which works too.
    second_code, _ = _demo_totp("chiyoda-worker")
    assert second_code != code
    second = Client()
    password_step(second)
    response = second.post(
        "/staff/login/code/", {"token": second_code, "next": "/staff/reception/"}
    )
    assert response["Location"] == "/staff/reception/"


def test_demo_totp_is_only_for_demo_users_and_refused_in_production(demo, settings):
    from django.core.management.base import CommandError

    call_command("reception_setup_demo")
    User.objects.create_user(username="real-worker", password="x" * 20)
    with pytest.raises(CommandError, match="not a demo staff user"):
        _demo_totp("real-worker")
    with pytest.raises(CommandError, match="not a demo staff user"):
        _demo_totp("nobody")
    # A demo user whose device got a key of its own is no longer served.
    device = staff_device(User.objects.get(username="chiyoda-admin"))
    device.key = "00" * 20
    device.save()
    with pytest.raises(CommandError, match="not a demo staff user"):
        _demo_totp("chiyoda-admin")
    settings.IS_DEVELOPMENT = False
    with pytest.raises(CommandError, match="development only"):
        _demo_totp("chiyoda-worker")
