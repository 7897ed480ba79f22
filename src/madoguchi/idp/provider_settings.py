"""django-oauth-toolkit settings for the development OpenID Connect provider.

Imported by config/settings.py while settings are still being built, so this module reads the
environment only (never `django.conf.settings`) and imports nothing from Django's app registry.

The provider speaks what the Digital Agency's authentication app (デジタル認証アプリ) speaks:
authorization code flow only, PKCE with S256 mandatory, RS256-signed ID tokens, and the scopes
`openid name address birthdate gender sign`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

from madoguchi.core.env import env_bool, env_int, env_secret, env_str
from madoguchi.core.public_url import configured_public_url

# Scope → what it lets the relying party read. The descriptions are for operators reading the
# discovery document; residents see translated labels (idp/scopes.py).
SCOPES = {
    "openid": "Sign in: an identifier for the person",
    "name": "Name (and its reading)",
    "address": "Address",
    "birthdate": "Date of birth",
    "gender": "Gender",
    "sign": "Use of the signing certificate",
}

KEY_FILE_NAME = Path("idp") / "oidc.key"


def _generate_key_file(path: Path) -> str:
    """Create an RSA-2048 key at `path` (mode 0600) unless it exists; return the PEM.

    Several processes start at once (gunicorn workers, pytest-xdist), so the key is written to a
    temporary file and hard-linked into place: link() fails if another process won the race, and
    nobody ever reads a half-written file.
    """
    if path.exists():
        return path.read_text(encoding="ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".oidc-key-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
        os.fsync(fd)
        os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)
    return path.read_text(encoding="ascii")


def signing_key_pem(*, var_dir: Path, development: bool, enabled: bool) -> str:
    """The ID-token signing key: IDP_OIDC_RSA_PRIVATE_KEY (or its *_FILE secret) if set;
    otherwise, in development, a key generated once into var/idp/oidc.key.

    Outside development a generated per-machine key would make servers behind one load balancer
    publish different JWKS, so an enabled provider must be given its key explicitly."""
    pem = env_secret("IDP_OIDC_RSA_PRIVATE_KEY", "")
    if pem:
        return pem
    if development:
        return _generate_key_file(var_dir / KEY_FILE_NAME)
    if enabled:
        raise ImproperlyConfigured(
            "IDP_ENABLED is on outside development: set IDP_OIDC_RSA_PRIVATE_KEY or "
            "IDP_OIDC_RSA_PRIVATE_KEY_FILE (a PEM RSA private key shared by every server)."
        )
    return ""


def issuer_setting() -> str:
    """IDP_ISSUER; else MADOGUCHI_PUBLIC_URL/idp/o (a proxy may rewrite the Host header); else
    empty: django-oauth-toolkit then derives the issuer from the request, i.e. from the address
    the server is bound to (MADOGUCHI_BIND), or the live server's URL in tests."""
    explicit = env_str("IDP_ISSUER", "")
    if explicit:
        return explicit.rstrip("/")
    public = configured_public_url()
    return f"{public}/idp/o" if public else ""


def oauth2_provider_settings(*, var_dir: Path) -> dict[str, Any]:
    development = env_str("MADOGUCHI_ENV", "development") in {"development", "test"}
    enabled = env_bool("IDP_ENABLED", development)
    return {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": signing_key_pem(
            var_dir=var_dir, development=development, enabled=enabled
        ),
        "OIDC_ISS_ENDPOINT": issuer_setting(),
        "OAUTH2_VALIDATOR_CLASS": "madoguchi.idp.validators.ResidentOAuth2Validator",
        "SCOPES": SCOPES,
        "DEFAULT_SCOPES": ["openid"],
        # Authorization code flow only, PKCE S256 only, as the authentication app requires.
        "PKCE_REQUIRED": True,
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code"],
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        # Plain http redirect URIs only where the platform itself runs on http.
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if development else ["https"],
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": env_int("IDP_CODE_EXPIRE_SECONDS", 60),
        "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("IDP_ACCESS_TOKEN_EXPIRE_SECONDS", 600),
        "ID_TOKEN_EXPIRE_SECONDS": env_int("IDP_ID_TOKEN_EXPIRE_SECONDS", 600),
        "REQUEST_APPROVAL_PROMPT": "force",
    }
