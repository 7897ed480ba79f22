"""URLs of the self-information API's authorization server and My page's 連携中のサービス.

Mounted at the site root by config/urls.py (the API resource itself is /api/v1/self/…, in
`api`)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "selfinfo"

urlpatterns: list[URLPattern | URLResolver] = [
    path("self-info/o/authorize/", views.SelfInfoAuthorizationView.as_view(), name="authorize"),
    path("self-info/o/token/", views.SelfInfoTokenView.as_view(), name="token"),
    path("self-info/o/revoke_token/", views.SelfInfoRevokeTokenView.as_view(), name="revoke"),
    path("apply/mypage/services/", views.consents, name="consents"),
    path(
        "apply/mypage/services/<int:consent_id>/revoke/",
        views.consent_revoke,
        name="consent-revoke",
    ),
]
