"""Settings of the development identity provider, read lazily so tests can override them."""

from __future__ import annotations

from django.conf import settings

from madoguchi.core.env import env_bool, env_list, env_secret, env_str
from madoguchi.core.public_url import public_base_urls

# The 利用者証明用 PIN of a My Number Card is 4 digits and locks after 3 wrong tries; the demo
# imitates both so testers see the same messages residents will.
PIN_LENGTH = 4
PIN_MAX_ATTEMPTS = 3
DEFAULT_DEMO_PIN = "1234"

# The platform's own client, registered by `idp_setup_demo` and trusted (no consent page).
PLATFORM_CLIENT_NAME = "Madoguchi"
PLATFORM_CALLBACK_PATH = "/signin/callback/"


# The platform's resident sign-in (madoguchi.signin) reads the same two variables with the same
# defaults: the IdP registers the client the relying party is configured with. The two apps do not
# import each other (docs/architecture.md); a test keeps the defaults equal.
PLATFORM_CLIENT_ID = "madoguchi-platform"
PLATFORM_DEVELOPMENT_CLIENT_SECRET = "madoguchi-development-client-secret"  # noqa: S105


def platform_client_id() -> str:
    value: str = getattr(settings, "OIDC_CLIENT_ID", env_str("OIDC_CLIENT_ID", PLATFORM_CLIENT_ID))
    return value


def platform_client_secret() -> str:
    value: str = getattr(
        settings,
        "OIDC_CLIENT_SECRET",
        env_secret("OIDC_CLIENT_SECRET", PLATFORM_DEVELOPMENT_CLIENT_SECRET),
    )
    return value


def idp_enabled() -> bool:
    """The development IdP lets anyone sign in as a demo resident with a published PIN, so it is
    off outside development unless IDP_ENABLED says otherwise (e.g. a public demo site)."""
    default = env_bool("IDP_ENABLED", bool(settings.IS_DEVELOPMENT))
    return bool(getattr(settings, "IDP_ENABLED", default))


def demo_pin() -> str:
    pin: str = getattr(settings, "IDP_DEMO_PIN", env_str("IDP_DEMO_PIN", DEFAULT_DEMO_PIN))
    return pin


def authentication_max_age() -> int:
    """Seconds between entering the PIN and the authorization it is good for. Every new
    authorization asks for the PIN again, as the authentication app asks for the card."""
    return int(getattr(settings, "IDP_AUTHENTICATION_MAX_AGE", 300))


def platform_redirect_uris() -> list[str]:
    """The platform's callback at every address it is served on: MADOGUCHI_PUBLIC_URL if set,
    else MADOGUCHI_BIND's port on 127.0.0.1 and localhost (http://127.0.0.1:8000/signin/callback/
    and http://localhost:8000/signin/callback/ by default)."""
    return [base + PLATFORM_CALLBACK_PATH for base in public_base_urls()]


def extra_redirect_uris() -> list[str]:
    """More redirect URIs for the platform's client, e.g. when `make run` binds another port."""
    uris: list[str] = getattr(
        settings, "IDP_EXTRA_REDIRECT_URIS", env_list("IDP_EXTRA_REDIRECT_URIS", [])
    )
    return uris
