from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from madoguchi.idp.testing import Pkce, pkce_pair
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.selfinfo.services import Registered, service_register
from madoguchi.signatures.testing import demo_resident

REDIRECT = "https://kakeibo.example.jp/callback"
PURPOSE = "家計簿に前年の所得を自動で記入するため"


@pytest.fixture
def hub(demo) -> None:
    linkage_demo_load()


@pytest.fixture
def service(hub) -> Registered:
    """A confidential private service registered for 住民基本台帳 and 地方税."""
    return service_register(
        name="まどぐち家計簿",
        operator="株式会社まどぐちテスト",
        purpose=PURPOSE,
        redirect_uris=[REDIRECT],
        categories=["resident", "tax"],
    )


@pytest.fixture
def taro(hub):
    return demo_resident("yoshida-taro")


def authorize_url(
    service: Registered, *, scope: str, pkce: Pkce | None, state: str = "st-1", **extra: Any
) -> str:
    params: dict[str, Any] = {
        "response_type": "code",
        "client_id": service.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": state,
    }
    if pkce is not None:
        params.update(code_challenge=pkce.challenge, code_challenge_method="S256")
    params.update(extra)
    return f"/self-info/o/authorize/?{urlencode(params)}"


def hidden_fields(html: str) -> dict[str, str]:
    import re

    return {
        m.group(1): m.group(2)
        for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


def basic(service: Registered) -> str:
    raw = f"{service.client_id}:{service.client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


@dataclass
class Consented:
    code: str
    pkce: Pkce
    location: str


def consent(client: Client, service: Registered, *, scope: str, allow: bool = True) -> Consented:
    """The resident (signed in on `client`) opens the consent page and answers."""
    import html as html_module

    pkce = pkce_pair()
    page = client.get(authorize_url(service, scope=scope, pkce=pkce))
    assert page.status_code == 200, page.content.decode()[:500]
    fields = {k: html_module.unescape(v) for k, v in hidden_fields(page.content.decode()).items()}
    if allow:
        fields["allow"] = "1"
    response = client.post("/self-info/o/authorize/", fields)
    assert response.status_code == 302, response.content.decode()[:500]
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    return Consented(code=query.get("code", [""])[0], pkce=pkce, location=location)


def token(client: Client, service: Registered, consented: Consented, **extra: str) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": consented.code,
        "redirect_uri": REDIRECT,
        "code_verifier": consented.pkce.verifier,
        **extra,
    }
    return Client().post("/self-info/o/token/", data, HTTP_AUTHORIZATION=basic(service))
