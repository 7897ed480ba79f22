"""The OAuth2 validator of the self-information authorization server.

django-oauth-toolkit keeps one client table and one token table for the project, shared with the
development IdP. This validator makes the self-information server know only the private
services' clients (`Service`) and only the self-information scopes each service is registered
for; the IdP's validator refuses the same clients the other way round (idp/clients.py).
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from .selectors import service_for_application, service_scopes


class SelfInfoOAuth2Validator(OAuth2Validator):  # type: ignore[misc]
    # Every client look-up (authorization, token, revocation) goes through _load_application.
    def _load_application(self, client_id: str, request: Any) -> Any:
        application = super()._load_application(client_id, request)
        if application is None or service_for_application(application) is None:
            request.client = None
            return None
        return application

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        """Only the scopes of the categories the service is registered for; at least one."""
        service = service_for_application(client)
        allowed = set(service_scopes(service)) if service is not None else set()
        return bool(scopes) and set(scopes) <= allowed

    def get_default_scopes(self, client_id: str, request: Any, *args: Any, **kw: Any) -> list[str]:
        # A service names what it asks for; no scope is not a request for everything.
        return []

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        # Used by token revocation/introspection: tokens of other servers are unknown here.
        if not super().validate_bearer_token(token, scopes, request):
            return False
        return service_for_application(getattr(request, "client", None)) is not None
