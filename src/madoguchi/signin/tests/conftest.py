from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.test import Client

from madoguchi.accounts.services import demo_resident_subject
from madoguchi.idp import testing


@dataclass
class LiveOIDC:
    """The relying party pointed at the development IdP of a live server, over real HTTP."""

    url: str
    host: str

    def client(self) -> Client:
        # The browser side runs in-process; its Host matches the live server so that redirect
        # URIs and the RFC 9207 `iss` are the same as the RP sees over HTTP.
        return Client(HTTP_HOST=self.host)


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def oidc(live_server, demo, settings) -> LiveOIDC:
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    return LiveOIDC(url=live_server.url, host=urlsplit(live_server.url).netloc)


def to_callback(client: Client, *, next_url: str = "/procedures/", key: str = "yoshida-taro"):
    """Run the flow up to the IdP's redirect back; return the callback URL (not yet visited)."""
    response = client.get("/signin/", {"next": next_url})
    assert response.status_code == 302, response.content
    authorize = local(response["Location"])
    assert authorize.startswith("/idp/o/authorize/?")
    login = client.get(authorize)
    assert login["Location"].startswith("/idp/login/")
    response = client.post(
        "/idp/login/",
        {"next": authorize, "resident": str(demo_resident_subject(key)), "pin": "1234"},
    )
    assert response.status_code == 302
    response = client.get(authorize)
    assert response.status_code == 302
    callback = local(response["Location"])
    assert callback.startswith("/signin/callback/?")
    return callback
