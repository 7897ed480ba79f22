"""Configuration of the resident sign-in (OpenID Connect relying party).

Read lazily, from Django settings first (tests override them) and the environment second:

    OIDC_ISSUER            issuer URL; discovery is OIDC_ISSUER/.well-known/openid-configuration
                           (default: this platform's development IdP at the address it is
                           served on: MADOGUCHI_PUBLIC_URL, else MADOGUCHI_BIND, + /idp/o;
                           http://127.0.0.1:8000/idp/o when neither is set)
    OIDC_CLIENT_ID         client identifier registered at the issuer
    OIDC_CLIENT_SECRET     client secret (or OIDC_CLIENT_SECRET_FILE)
    OIDC_SCOPES            space-separated scopes (default: openid name address birthdate gender)
    OIDC_HTTP_TIMEOUT      seconds for each call to the issuer (default 10)
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse

from madoguchi.core.env import env_int, env_secret, env_str
from madoguchi.core.public_url import configured_public_url, public_base_url

# The development IdP's path on this platform (madoguchi.idp, mounted at /idp/).
DEVELOPMENT_ISSUER_PATH = "/idp/o"
DEFAULT_ISSUER = "http://127.0.0.1:8000" + DEVELOPMENT_ISSUER_PATH
DEFAULT_CLIENT_ID = "madoguchi-platform"
# Registered by `idp_setup_demo` for the development IdP only; refused outside development.
DEVELOPMENT_CLIENT_SECRET = "madoguchi-development-client-secret"  # noqa: S105
DEFAULT_SCOPES = "openid name address birthdate gender"


def issuer() -> str:
    """OIDC_ISSUER if set (setting, then environment); otherwise the development IdP of this
    very server, at the address it is served on, so another port needs no second variable."""
    value: str = getattr(settings, "OIDC_ISSUER", None) or env_str("OIDC_ISSUER", "")
    if not value:
        value = public_base_url() + DEVELOPMENT_ISSUER_PATH
    return value.rstrip("/")


def redirect_uri(request: HttpRequest) -> str:
    """The callback URL sent to the issuer: under MADOGUCHI_PUBLIC_URL when set (a proxy may
    rewrite the Host header), else the address the browser used."""
    path = reverse("signin:callback")
    public = configured_public_url()
    return public + path if public else request.build_absolute_uri(path)


def discovery_url() -> str:
    return f"{issuer()}/.well-known/openid-configuration"


def client_id() -> str:
    value: str = getattr(settings, "OIDC_CLIENT_ID", env_str("OIDC_CLIENT_ID", DEFAULT_CLIENT_ID))
    return value


def client_secret() -> str:
    value: str = getattr(
        settings,
        "OIDC_CLIENT_SECRET",
        env_secret("OIDC_CLIENT_SECRET", DEVELOPMENT_CLIENT_SECRET),
    )
    if value == DEVELOPMENT_CLIENT_SECRET and not settings.IS_DEVELOPMENT:
        raise ImproperlyConfigured(
            "OIDC_CLIENT_SECRET (or OIDC_CLIENT_SECRET_FILE) must be set outside development."
        )
    return value


def scopes() -> str:
    value: str = getattr(settings, "OIDC_SCOPES", env_str("OIDC_SCOPES", DEFAULT_SCOPES))
    names = value.split()
    if "openid" not in names:
        raise ImproperlyConfigured("OIDC_SCOPES must include 'openid'.")
    return " ".join(names)


def http_timeout() -> float:
    return float(getattr(settings, "OIDC_HTTP_TIMEOUT", env_int("OIDC_HTTP_TIMEOUT", 10)))


def metadata_max_age() -> float:
    """Seconds a fetched discovery document (and JWKS) is reused before asking again; an
    unknown key id triggers an immediate JWKS refresh regardless."""
    return float(getattr(settings, "OIDC_METADATA_MAX_AGE", 3600))
