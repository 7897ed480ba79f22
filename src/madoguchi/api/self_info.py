"""/api/v1/self/{category}: 自己情報取得API — a private service reads the resident's own
information, with the resident's consent (OAuth 2.0 authorization code + PKCE, one scope per
data category; docs/self-info.md).

The token is issued by the platform's self-information authorization server
(`/self-info/o/authorize/`, `/self-info/o/token/`), never by the development IdP. Each call
fetches the category live from its holder through the linkage hub — the portal asking as the
resident's agent — and the exchange is recorded in the resident's やりとり履歴 naming the service.
"""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from madoguchi.api.problems import ApiProblem
from madoguchi.linkage import catalogue
from madoguchi.linkage.types import Category, Outcome
from madoguchi.selfinfo import selectors, services
from madoguchi.selfinfo.types import SCOPES, ScopeMissing, TokenRefused

TAG = "self-information"


class SelfInfoBearer(BaseAuthentication):
    """The bearer token is checked by the view against the asked category (a scope per
    category); this class only names the security scheme in the OpenAPI document."""

    def authenticate(self, request: Request) -> None:
        return None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="self-information"'


class SelfInfoScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "madoguchi.api.self_info.SelfInfoBearer"
    name = "selfInfoOAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": (
                "認可コード + PKCE（S256のみ）。登録された民間サービスだけが使えます。"
                "データ区分ごとにスコープが一つあります。/ Authorization code + PKCE (S256 "
                "only), for registered private services; one scope per data category."
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": reverse("selfinfo:authorize"),
                    "tokenUrl": reverse("selfinfo:token"),
                    "scopes": {
                        scope: f"{Category(value).label} / {value}"
                        for scope, value in SCOPES.items()
                    },
                }
            },
        }


class ItemSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="項目コード（linkage の項目カタログ）/ item code")
    label = serializers.CharField(help_text="項目名 / item name")  # type: ignore[assignment]
    value = serializers.JSONField(help_text="値（項目ごとの形）/ value (shape per item)")


class SelfInformationSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=Category.values, help_text="データ区分 / category")
    category_label = serializers.CharField(help_text="区分名 / category name")
    holder = serializers.CharField(help_text="情報保有機関 / the holder that answered")
    exchange_id = serializers.UUIDField(help_text="情報提供等記録のID / exchange record id")
    fetched_at = serializers.DateTimeField(help_text="取得日時 / fetched at")
    items = ItemSerializer(many=True)


_PROBLEM = OpenApiResponse(
    description="エラー（RFC 9457 problem details）/ error (RFC 9457 problem details)"
)
_EXAMPLE = {
    "category": "tax",
    "category_label": "地方税",
    "holder": "東京都千代田区 税務課（地方税）",
    "exchange_id": "0b7e7c0e-6d1a-4a3e-9d55-2a3f1c7b9e10",
    "fetched_at": "2026-12-03T10:00:00+09:00",
    "items": [
        {"code": "tax.taxable", "label": "住民税の課税・非課税", "value": "yes"},
        {"code": "tax.income", "label": "前年の所得額（円）", "value": 5100000},
    ],
}


# A failed exchange → the problem the service gets (anything else: the holder did not answer).
FETCH_PROBLEMS: dict[str, tuple[int, str]] = {
    Outcome.DENIED: (403, "access-denied"),
    Outcome.UNKNOWN_PERSON: (404, "person-unknown"),
    Outcome.REJECTED: (502, "holder-answer-rejected"),
}


def _bearer(request: Request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class SelfInformationView(APIView):
    authentication_classes = [SelfInfoBearer]
    permission_classes = []

    @extend_schema(
        operation_id="self_information_get",
        summary="自己情報を取得する / Read the resident's own information",
        description=(
            "住民が同意したデータ区分の自己情報を、情報提供ネットワーク（ハブ）を通じてその場で"
            "情報保有機関から取得して返します。取得のたびに情報提供等記録が残り、住民の"
            "「やりとり履歴」にサービス名とともに表示されます。個人番号は返しません。\n\n"
            "Fetches the category live from its holder through the linkage hub; every call is "
            "an exchange record shown in the resident's exchange history naming the service. "
            "401: token missing, unknown, expired, revoked, or not a self-information token "
            "(e.g. the development IdP's); 403: the token or consent does not cover the "
            "category (scope `selfinfo:<category>`); 503: the holder did not answer."
        ),
        tags=[TAG],
        parameters=[
            OpenApiParameter(
                "category",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(Category.values),
                description="データ区分 / data category",
            )
        ],
        responses={
            200: SelfInformationSerializer,
            401: _PROBLEM,
            403: _PROBLEM,
            404: _PROBLEM,
            502: _PROBLEM,
            503: _PROBLEM,
        },
        examples=[OpenApiExample("地方税", value=_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, category: str) -> Response:
        if category not in Category.values:
            raise ApiProblem(
                status_code=404,
                code="unknown-category",
                title=_("There is no such category of information."),
                detail=_("Use one of: %(categories)s.")
                % {"categories": ", ".join(Category.values)},
            )
        try:
            grant = selectors.token_check(token=_bearer(request), category=category)
        except TokenRefused as error:
            raise ApiProblem(
                status_code=401,
                code="invalid-token",
                title=_("The access token was refused."),
                detail=error.message,
                headers={
                    "WWW-Authenticate": 'Bearer realm="self-information", error="invalid_token"'
                },
            ) from error
        except ScopeMissing as error:
            raise ApiProblem(
                status_code=403,
                code="insufficient-scope",
                title=_("This information is outside the resident's consent."),
                detail=error.message,
                scope=error.scope,
                headers={
                    "WWW-Authenticate": 'Bearer realm="self-information", '
                    f'error="insufficient_scope", scope="{error.scope}"'
                },
            ) from error
        entry = services.self_info_fetch(
            grant=grant, category=category, ip_address=request.META.get("REMOTE_ADDR")
        )
        if entry.error:
            status_code, code = FETCH_PROBLEMS.get(entry.outcome, (503, "holder-unavailable"))
            raise ApiProblem(
                status_code=status_code,
                code=code,
                title=_("The information could not be fetched from its holder."),
                detail=entry.error,
                exchange_id=entry.exchange_id,
                headers={"Retry-After": "60"} if status_code == 503 else None,
            )
        body = {
            "category": category,
            "category_label": str(Category(category).label),
            "holder": entry.holder_name,
            "exchange_id": entry.exchange_id,
            "fetched_at": timezone.localtime().isoformat(timespec="seconds"),
            "items": [
                {"code": code, "label": str(catalogue.ITEMS[code].label), "value": value}
                for code, value in entry.values.items()
                if code in catalogue.ITEMS
            ],
        }
        return Response(body, headers={"Cache-Control": "no-store"})


urlpatterns = [
    path("self/<str:category>", SelfInformationView.as_view(), name="self-information"),
]
