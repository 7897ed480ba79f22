"""GET /api/v1/municipalities — the municipality master, public and read-only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from madoguchi.api.auth import SearchAccess
from madoguchi.municipalities import selectors
from madoguchi.municipalities.models import Municipality
from madoguchi.municipalities.types import Kind
from madoguchi.municipalities.validators import (
    validate_local_government_code,
    validate_postal_code,
)


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    prefecture_code = serializers.CharField(source="prefecture_id", allow_null=True)
    parent_code = serializers.CharField(source="parent_id", allow_null=True)
    full_name = serializers.CharField()

    class Meta:
        model = Municipality
        fields = (
            "code",
            "name",
            "kana",
            "kind",
            "prefecture_code",
            "parent_code",
            "district",
            "full_name",
        )


class MunicipalityQuery(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(
        required=False, max_length=6, validators=[validate_local_government_code]
    )
    postal_code = serializers.CharField(
        required=False, max_length=8, validators=[validate_postal_code]
    )
    q = serializers.CharField(required=False, max_length=64)
    prefecture = serializers.CharField(
        required=False, max_length=6, validators=[validate_local_government_code]
    )
    kind = serializers.ChoiceField(required=False, choices=Kind.choices)


class MunicipalityPagination(PageNumberPagination):
    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"


@extend_schema(
    summary="地方公共団体の検索 / Search municipalities",
    description=(
        "全国地方公共団体コード、郵便番号、名称またはフリガナ（ひらがな・カタカナ・半角可）で"
        "都道府県・市区町村・行政区を検索します。条件を組み合わせるとすべてを満たすものを返します。\n\n"
        "Look up prefectures, municipalities and wards by local government code, postal code, or "
        "name/kana (hiragana, katakana, half-width all match). Filters combine with AND."
    ),
    parameters=[
        OpenApiParameter(
            "code",
            str,
            description="全国地方公共団体コード（6桁・検査数字付き） / "
            "6-digit local government code with check digit",
            examples=[OpenApiExample("千代田区", value="131016")],
        ),
        OpenApiParameter(
            "postal_code",
            str,
            description="郵便番号 / postal code (1000013 or 100-0013)",
            examples=[OpenApiExample("霞が関", value="1000013")],
        ),
        OpenApiParameter(
            "q",
            str,
            description="名称またはフリガナ / name or kana",
            examples=[OpenApiExample("ちよだ", value="ちよだ")],
        ),
        OpenApiParameter(
            "prefecture",
            str,
            description="都道府県の団体コード / prefecture code",
            examples=[OpenApiExample("東京都", value="130001")],
        ),
        OpenApiParameter("kind", str, enum=[k.value for k in Kind], description="種別 / kind"),
    ],
    tags=["municipalities"],
)
class MunicipalityListView(SearchAccess, generics.ListAPIView[Municipality]):
    serializer_class = MunicipalitySerializer
    pagination_class = MunicipalityPagination

    def get_queryset(self) -> QuerySet[Municipality]:
        request: Request = self.request
        query = MunicipalityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.municipality_find(**query.validated_data)


urlpatterns = [
    path("municipalities", MunicipalityListView.as_view(), name="municipality-list"),
]
