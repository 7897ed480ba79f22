"""The OAuth2 validator of the development IdP: who the subject is and what each scope reveals."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from madoguchi.idp import selectors
from madoguchi.idp.claims import CLAIM_SCOPES, identity_claims
from madoguchi.idp.clients import is_foreign_client


class ResidentOAuth2Validator(OAuth2Validator):  # type: ignore[misc]
    # Claims are released per scope (name, address, birthdate, gender), as by the
    # authentication app, instead of OpenID Connect's all-in-one "profile" scope.
    oidc_claim_scope = CLAIM_SCOPES

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        identity = selectors.identity_for_idp_user(user=request.user)
        if identity is None:
            # Only demo identities get grants, so this means the identity was deleted after
            # the grant: release nothing but an identifier that matches no one.
            return {"sub": f"idp-user-{request.user.pk}"}
        return identity_claims(identity)

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    # Every client look-up (authorization, token, revocation) goes through _load_application: a
    # client of another authorization server on this platform is unknown here (idp/clients.py).
    def _load_application(self, client_id: str, request: Any) -> Any:
        application = super()._load_application(client_id, request)
        if is_foreign_client(application):
            request.client = None
            return None
        return application

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        """The userinfo endpoint refuses a token issued to another server's client."""
        if not super().validate_bearer_token(token, scopes, request):
            return False
        return not is_foreign_client(getattr(request, "client", None))
