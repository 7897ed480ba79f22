"""Registering a private service: the operator admin and `selfinfo_client_create`."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from oauth2_provider.models import get_application_model

from madoguchi.accounts.models import User
from madoguchi.audit.models import AuditEvent
from madoguchi.reception.testing import staff_login
from madoguchi.selfinfo.models import Service

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"


def test_the_operator_registers_a_service_in_the_admin_and_sees_the_secret_once(client):
    operator = User.objects.create_superuser(username="operator", password="x" * 20)
    staff_login(client, operator)
    form = client.get(f"{ADMIN}selfinfo/service/add/")
    assert form.status_code == 200 and "リダイレクトURI" in form.content.decode()
    response = client.post(
        f"{ADMIN}selfinfo/service/add/",
        {
            "name": "まどぐち家計簿",
            "operator": "株式会社まどぐち",
            "purpose": "家計簿のため",
            "categories": ["tax"],
            "is_active": "on",
            "redirect_uris": "https://kakeibo.example.jp/callback",
            "confidential": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    service = Service.objects.get()
    assert service.categories == ["tax"]
    application = service.application
    assert application.redirect_uris == "https://kakeibo.example.jp/callback"
    page = response.content.decode()
    assert application.client_id in page and "今だけ表示" in page
    secret = page.split("今だけ表示）：")[1].split("<")[0].strip()
    assert check_password(secret, application.client_secret)
    assert AuditEvent.objects.filter(action="selfinfo.service_registered").exists()

    # A bad redirect URI is named at its field; nothing is registered.
    response = client.post(
        f"{ADMIN}selfinfo/service/add/",
        {
            "name": "別のサービス",
            "operator": "株式会社",
            "purpose": "目的",
            "categories": ["tax"],
            "redirect_uris": "kakeibo callback",
        },
    )
    assert response.status_code == 200
    assert "redirect_uris" in response.context["adminform"].form.errors
    assert Service.objects.count() == 1


def test_the_command_prints_the_credentials_and_refuses_unknown_categories(db):
    out = io.StringIO()
    call_command(
        "selfinfo_client_create",
        "--name=家計簿",
        "--operator=株式会社",
        "--purpose=家計簿のため",
        "--redirect-uri=https://kakeibo.example.jp/callback",
        "--category=tax",
        "--category=resident",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["scopes"] == ["selfinfo:resident", "selfinfo:tax"]
    application = get_application_model().objects.get(client_id=data["client_id"])
    assert check_password(data["client_secret"], application.client_secret)
    assert application.client_type == "confidential" and not application.skip_authorization
    with pytest.raises(CommandError):
        call_command(
            "selfinfo_client_create",
            "--name=x",
            "--operator=x",
            "--purpose=x",
            "--redirect-uri=not a uri",
            "--category=tax",
        )
