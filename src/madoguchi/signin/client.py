"""The OpenID Connect client (Authlib), built from signin.conf and cached per configuration.

Authlib's Django client keeps the discovery document and the JWKS on the client object, so one
object per configuration serves every request of a process; it is rebuilt after
conf.metadata_max_age() so a changed issuer configuration is noticed without a restart.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration

from madoguchi.signin import conf

CLIENT_NAME = "madoguchi"
# Asymmetric signatures only. HS256 would make the client secret the ID-token key, so anyone
# holding the secret could mint tokens; the development IdP and the authentication app use RS256.
ACCEPTED_ID_TOKEN_ALGORITHMS = ("RS256", "PS256", "ES256")


class IssuerMismatchError(Exception):
    """The discovery document names another issuer than the one configured (OpenID Connect
    Discovery §4.3): the document must not be used."""


class OIDCClient(DjangoOAuth2App):  # type: ignore[misc]
    def load_server_metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = super().load_server_metadata()
        if metadata.get("issuer", "").rstrip("/") != conf.issuer():
            raise IssuerMismatchError(metadata.get("issuer"))
        advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [
            alg for alg in advertised if alg in ACCEPTED_ID_TOKEN_ALGORITHMS
        ] or ["RS256"]
        return metadata


_cache: dict[tuple[str, ...], tuple[float, OIDCClient]] = {}
_lock = threading.Lock()


def oidc_client() -> OIDCClient:
    key = (conf.issuer(), conf.client_id(), conf.client_secret(), conf.scopes())
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
        if cached is not None and now - cached[0] < conf.metadata_max_age():
            return cached[1]
        client = OIDCClient(
            DjangoIntegration(CLIENT_NAME),
            name=CLIENT_NAME,
            client_id=key[1],
            client_secret=key[2],
            server_metadata_url=conf.discovery_url(),
            client_kwargs={
                "scope": key[3],
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_basic",
                # A hung issuer must not hold a web worker forever.
                "default_timeout": conf.http_timeout(),
            },
        )
        _cache[key] = (now, client)
        return client
