"""Where this platform is reached: MADOGUCHI_PUBLIC_URL, else the address `make run` binds.

The development IdP's issuer and the relying party's redirect URIs are URLs of this very server,
so they must follow the port it serves on: `MADOGUCHI_BIND=127.0.0.1:8100 make run` alone is
enough. Behind a proxy (or reached from another machine) the bind address is not what browsers
see; MADOGUCHI_PUBLIC_URL (e.g. https://madoguchi.example.lg.jp) says what they see.

Reads the environment only (never django.conf.settings): the IdP's settings use it while
settings are being built.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_BIND = "127.0.0.1:8000"
# Binds a browser on this machine reaches as http://127.0.0.1 (or http://[::1]) and localhost.
_IPV4_LOCAL = {"", "0.0.0.0", "127.0.0.1", "localhost"}  # noqa: S104
_IPV6_LOCAL = {"[::]", "[::1]"}


def configured_public_url() -> str:
    """MADOGUCHI_PUBLIC_URL without its trailing slash ('' when unset); refused unless it is an
    http(s) origin (scheme://host[:port], no path)."""
    raw = os.environ.get("MADOGUCHI_PUBLIC_URL", "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            "MADOGUCHI_PUBLIC_URL must be an http(s) origin such as "
            f"https://madoguchi.example.jp (no path), got {raw!r}"
        )
    return raw.rstrip("/")


def bind_address() -> tuple[str, int]:
    """(host, port) of MADOGUCHI_BIND, in gunicorn's HOST:PORT form ('[::1]:8100', ':8100' and a
    bare host are accepted; gunicorn's default port is 8000)."""
    bind = os.environ.get("MADOGUCHI_BIND", DEFAULT_BIND).strip() or DEFAULT_BIND
    if bind.startswith(("unix:", "fd://")) or "/" in bind:
        raise ImproperlyConfigured(
            f"MADOGUCHI_BIND={bind!r} is not a TCP address: set MADOGUCHI_PUBLIC_URL to the URL "
            "browsers use (or OIDC_ISSUER and IDP_EXTRA_REDIRECT_URIS)."
        )
    host, sep, port = bind.rpartition(":")
    if not sep or host.endswith(":"):  # a bare host, or an IPv6 address without brackets
        host, port = bind, "8000"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(f"MADOGUCHI_BIND must be HOST:PORT, got {bind!r}")
    return host, int(port)


def public_base_urls() -> list[str]:
    """Every base URL a browser may use for this server, the canonical one first:
    MADOGUCHI_PUBLIC_URL alone if set; else http://<bind> (http://127.0.0.1:<port> and
    http://localhost:<port> for a loopback or all-interfaces bind)."""
    public = configured_public_url()
    if public:
        return [public]
    host, port = bind_address()
    if host in _IPV4_LOCAL:
        hosts = ["127.0.0.1", "localhost"]
    elif host in _IPV6_LOCAL:
        hosts = ["[::1]", "localhost"]
    else:
        hosts = [host]
    return [f"http://{name}:{port}" for name in hosts]


def public_base_url() -> str:
    """The canonical base URL: the one the platform names in its own links (the issuer)."""
    return public_base_urls()[0]
