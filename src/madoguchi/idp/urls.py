"""URLs of the development IdP under /idp/.

DOT reverses its own endpoints as ``oauth2_provider:<name>`` (for the discovery document and the
issuer), so its endpoints are mounted in that namespace under /idp/o/; the IdP's pages are in
``idp:``. This module therefore has no app_name of its own.
"""

from django.urls import URLPattern, URLResolver, include, path, re_path
from oauth2_provider import views as dot

from madoguchi.idp import views

oauth2_patterns: list[URLPattern | URLResolver] = [
    path("authorize/", views.ResidentAuthorizationView.as_view(), name="authorize"),
    path("token/", views.idp_enabled_only(dot.TokenView.as_view()), name="token"),
    path(
        "revoke_token/", views.idp_enabled_only(dot.RevokeTokenView.as_view()), name="revoke-token"
    ),
    path("userinfo/", views.idp_enabled_only(dot.UserInfoView.as_view()), name="user-info"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.idp_enabled_only(dot.ConnectDiscoveryInfoView.as_view()),
        name="oidc-connect-discovery-info",
    ),
    # Also lets DOT derive the RFC 9207 `iss` of authorization responses as /idp/o.
    path(
        ".well-known/oauth-authorization-server",
        views.idp_enabled_only(dot.OAuthServerMetadataView.as_view()),
        name="oauth-server-metadata",
    ),
    path(
        ".well-known/jwks.json",
        views.idp_enabled_only(dot.JwksInfoView.as_view()),
        name="jwks-info",
    ),
]

idp_patterns: list[URLPattern | URLResolver] = [
    path("login/", views.sign_in, name="sign-in"),
    path("people/new/", views.new_person, name="new-person"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/", include((oauth2_patterns, "oauth2_provider"))),
    path("", include((idp_patterns, "idp"))),
]
