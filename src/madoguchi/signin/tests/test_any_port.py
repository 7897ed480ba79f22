"""Serving on another port (or behind a proxy) needs MADOGUCHI_BIND (or MADOGUCHI_PUBLIC_URL)
only: the development IdP's issuer and the platform's redirect URIs follow it, unless
OIDC_ISSUER / IDP_* are set explicitly."""

from __future__ import annotations

from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import RequestFactory
from oauth2_provider.models import get_application_model

from madoguchi.core.public_url import public_base_urls
from madoguchi.idp import conf as idp_conf
from madoguchi.idp.provider_settings import issuer_setting
from madoguchi.signin import conf
from madoguchi.signin.tests.conftest import to_callback


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("MADOGUCHI_BIND", "MADOGUCHI_PUBLIC_URL", "OIDC_ISSUER", "IDP_ISSUER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("IDP_EXTRA_REDIRECT_URIS", raising=False)
    return monkeypatch


def test_defaults_are_port_8000(clean_env):
    assert conf.issuer() == "http://127.0.0.1:8000/idp/o" == conf.DEFAULT_ISSUER
    assert idp_conf.platform_redirect_uris() == [
        "http://127.0.0.1:8000/signin/callback/",
        "http://localhost:8000/signin/callback/",
    ]
    assert issuer_setting() == ""  # derived from the request


@pytest.mark.parametrize(
    ("bind", "bases"),
    [
        ("127.0.0.1:8100", ["http://127.0.0.1:8100", "http://localhost:8100"]),
        ("0.0.0.0:8100", ["http://127.0.0.1:8100", "http://localhost:8100"]),
        (":8100", ["http://127.0.0.1:8100", "http://localhost:8100"]),
        ("localhost:8100", ["http://127.0.0.1:8100", "http://localhost:8100"]),
        ("[::1]:8100", ["http://[::1]:8100", "http://localhost:8100"]),
        ("[::]:8100", ["http://[::1]:8100", "http://localhost:8100"]),
        ("192.0.2.10:8100", ["http://192.0.2.10:8100"]),
        ("127.0.0.1", ["http://127.0.0.1:8000", "http://localhost:8000"]),
    ],
)
def test_the_bind_address_gives_the_base_urls(clean_env, bind, bases):
    clean_env.setenv("MADOGUCHI_BIND", bind)
    assert public_base_urls() == bases
    assert conf.issuer() == bases[0] + "/idp/o"
    assert idp_conf.platform_redirect_uris() == [b + "/signin/callback/" for b in bases]


@pytest.mark.parametrize("bind", ["unix:/run/madoguchi.sock", "127.0.0.1:http", "127.0.0.1:0"])
def test_a_bind_that_gives_no_url_is_refused_clearly(clean_env, bind):
    clean_env.setenv("MADOGUCHI_BIND", bind)
    with pytest.raises(ImproperlyConfigured, match="MADOGUCHI_BIND"):
        conf.issuer()
    # …unless the address browsers use is given.
    clean_env.setenv("MADOGUCHI_PUBLIC_URL", "https://madoguchi.example.jp/")
    assert conf.issuer() == "https://madoguchi.example.jp/idp/o"


def test_behind_a_proxy_the_public_url_wins(clean_env):
    clean_env.setenv("MADOGUCHI_BIND", "127.0.0.1:9000")
    clean_env.setenv("MADOGUCHI_PUBLIC_URL", "https://madoguchi.example.jp")
    assert conf.issuer() == "https://madoguchi.example.jp/idp/o"
    assert issuer_setting() == "https://madoguchi.example.jp/idp/o"
    assert idp_conf.platform_redirect_uris() == ["https://madoguchi.example.jp/signin/callback/"]
    # The proxy may send another Host: the redirect URI still names the public address.
    request = RequestFactory().get("/signin/", HTTP_HOST="127.0.0.1:9000")
    assert conf.redirect_uri(request) == "https://madoguchi.example.jp/signin/callback/"


@pytest.mark.parametrize(
    "url", ["madoguchi.example.jp", "ftp://madoguchi.example.jp", "https://x.jp/sub", "https://"]
)
def test_a_public_url_that_is_not_an_origin_is_refused(clean_env, url):
    clean_env.setenv("MADOGUCHI_PUBLIC_URL", url)
    with pytest.raises(ImproperlyConfigured, match="MADOGUCHI_PUBLIC_URL"):
        conf.issuer()


def test_explicit_settings_still_win(clean_env, settings):
    clean_env.setenv("MADOGUCHI_BIND", "127.0.0.1:8100")
    clean_env.setenv("MADOGUCHI_PUBLIC_URL", "https://madoguchi.example.jp")
    clean_env.setenv("OIDC_ISSUER", "https://auth.example.jp/")
    clean_env.setenv("IDP_ISSUER", "https://idp.example.jp/idp/o")
    assert conf.issuer() == "https://auth.example.jp"
    assert issuer_setting() == "https://idp.example.jp/idp/o"
    settings.OIDC_ISSUER = "https://other.example.jp"
    assert conf.issuer() == "https://other.example.jp"


@pytest.mark.django_db(transaction=True)
def test_the_whole_sign_in_works_on_another_port_with_madoguchi_bind_alone(
    live_server, demo, clean_env, settings
):
    """The live server listens on a random port (never 8000); nothing but MADOGUCHI_BIND says
    so: no OIDC_ISSUER, no redirect URI given, the platform's own client as `make setup`
    registers it."""
    port = urlsplit(live_server.url).port
    assert port != 8000
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if hasattr(settings, name):
            delattr(settings, name)
    clean_env.setenv("MADOGUCHI_BIND", f"127.0.0.1:{port}")
    out = StringIO()
    call_command("idp_setup_demo", stdout=out)
    assert f"http://127.0.0.1:{port}/signin/callback/" in out.getvalue()
    platform = get_application_model().objects.get(client_id=conf.client_id())
    assert f"http://localhost:{port}/signin/callback/" in platform.redirect_uris.split()

    from django.test import Client

    browser = Client(HTTP_HOST=f"127.0.0.1:{port}")
    start = browser.get("/signin/", {"next": "/signin/me/"})
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"http://127.0.0.1:{port}/idp/o/authorize/")
    assert query["redirect_uri"] == [f"http://127.0.0.1:{port}/signin/callback/"]
    browser.post("/signin/logout/")
    response = browser.get(to_callback(browser, next_url="/signin/me/"))
    assert response.status_code == 302 and response["Location"] == "/signin/me/"
    assert browser.session["signin.resident"]["claims"]["family_name"] == "𠮷田"
    assert "さんとしてログインしています" in browser.get("/signin/me/").content.decode()
