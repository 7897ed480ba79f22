"""GET /api/v1/forms/{id} and /json-schema — published form versions for third parties."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from madoguchi.api.auth import SearchAccess
from madoguchi.forms import selectors

# At run time: drf-spectacular reads the serializer methods' annotations (get_type_hints).
from madoguchi.forms.models import FormVersion


class FormVersionSerializer(serializers.Serializer[FormVersion]):
    id = serializers.UUIDField(help_text="様式版ID / form version id")
    municipality_code = serializers.CharField(
        source="municipality_id", help_text="団体コード / local government code"
    )
    procedure_code = serializers.CharField(help_text="手続コード / procedure code")
    version = serializers.IntegerField(source="number", help_text="版 / version number")
    preset_version = serializers.IntegerField(help_text="標準様式の版 / standard form version")
    content_hash = serializers.CharField(
        help_text="定義の正規化JSON（RFC 8785）のSHA-256 / SHA-256 of the canonical JSON"
    )
    published_at = serializers.DateTimeField()
    signature_required = serializers.SerializerMethodField(
        help_text="マイナンバーカードによる署名が必要か / whether a My Number Card signature "
        "is required"
    )
    definition = serializers.JSONField(help_text="様式定義（madoguchi-form/1）/ form definition")

    def get_signature_required(self, obj: FormVersion) -> bool:
        return bool(obj.definition.get("signature_required"))


_ID = OpenApiParameter(
    "form_version_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="公開された様式版のID / id of a published form version",
)
_NOT_FOUND = OpenApiResponse(
    description="様式版が見つかりません（RFC 9457）/ no such form "
    "version (RFC 9457 problem details)"
)
_EXAMPLE_DEFINITION = {
    "language": "madoguchi-form/1",
    "procedure_code": "disaster-certificate",
    "title": "罹災証明書 交付申請書",
    "preset_version": 1,
    "signature_required": True,
    "pages": [
        {
            "id": "disaster",
            "title": "被災の状況",
            "items": [
                {
                    "code": "disaster.date",
                    "type": "date",
                    "label": "被災日",
                    "required": True,
                    "validators": {"date_max": "today"},
                },
                {
                    "code": "disaster.cause",
                    "type": "select",
                    "label": "罹災原因",
                    "required": True,
                    "options": [
                        {"value": "earthquake", "label": "地震"},
                        {"value": "other", "label": "その他"},
                    ],
                },
                {
                    "code": "disaster.cause_detail",
                    "type": "text",
                    "label": "その他の罹災原因",
                    "required": True,
                    "visible_if": {"item": "disaster.cause", "equals": "other"},
                },
            ],
        }
    ],
}


def _version(form_version_id: str) -> FormVersion:
    version = selectors.form_version_get(form_version_id=form_version_id)
    if version is None:
        raise NotFound(str(selectors.FORM_VERSION_NOT_FOUND))
    return version


class FormVersionView(SearchAccess, APIView):
    @extend_schema(
        summary="様式定義の取得 / Get a form definition",
        description=(
            "公開された様式版の定義を、窓口の様式定義言語（madoguchi-form/1）で返します。"
            "ページ・項目・標準項目コード・必須・選択肢・表示条件（宣言的なデータ）・繰り返し"
            "グループを含みます。公開後の版は変更されず、content_hash で同一性を確認できます。"
            "\n\n"
            "The definition of a published form version in Madoguchi's form language "
            "(madoguchi-form/1): pages, items with standard item codes, required flags, "
            "options, declarative visibility conditions and repeatable groups. A published "
            "version never changes; content_hash identifies its content."
        ),
        parameters=[_ID],
        responses={200: FormVersionSerializer, 404: _NOT_FOUND},
        examples=[
            OpenApiExample(
                "罹災証明書（抜粋）/ disaster certificate (excerpt)",
                response_only=True,
                value={
                    "id": "6f1c2f7e-8a59-4f0e-9c39-1b0d3c7a2e11",
                    "municipality_code": "131016",
                    "procedure_code": "disaster-certificate",
                    "version": 1,
                    "preset_version": 1,
                    "content_hash": "3a7bd3e2360a3d…",
                    "published_at": "2026-04-01T09:00:00+09:00",
                    "signature_required": True,
                    "definition": _EXAMPLE_DEFINITION,
                },
            )
        ],
        tags=["forms"],
    )
    def get(self, request: Request, form_version_id: str) -> Response:
        return Response(FormVersionSerializer(_version(form_version_id)).data)


class FormVersionJsonSchemaView(SearchAccess, APIView):
    @extend_schema(
        summary="回答のJSON Schema / JSON Schema of the answers",
        description=(
            "様式版の回答を検証する JSON Schema（2020-12）を返します。プロパティ名は標準項目"
            "コードです。スキーマは正規化された回答（日付は ISO 8601、フリガナは全角カタカナ"
            "など）を表します。検査数字・金融機関コード・郵便番号の実在などはサーバーが検証"
            "します。\n\n"
            "A JSON Schema (2020-12) for the answers of this form version, keyed by standard "
            "item code. It describes normalised answers (ISO 8601 dates, full-width katakana). "
            "The server also checks what a schema cannot: check digits, bank and branch codes, "
            "postal codes that exist."
        ),
        parameters=[_ID],
        responses={
            200: OpenApiResponse(response=OpenApiTypes.OBJECT, description="JSON Schema 2020-12"),
            404: _NOT_FOUND,
        },
        tags=["forms"],
    )
    def get(self, request: Request, form_version_id: str) -> Response:
        schema: dict[str, Any] = selectors.form_json_schema(form_version=_version(form_version_id))
        return Response(schema)


urlpatterns = [
    path("forms/<str:form_version_id>", FormVersionView.as_view(), name="form-version"),
    path(
        "forms/<str:form_version_id>/json-schema",
        FormVersionJsonSchemaView.as_view(),
        name="form-version-json-schema",
    ),
]
