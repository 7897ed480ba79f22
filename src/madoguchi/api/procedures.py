"""GET /api/v1/procedures — search the catalog; GET /api/v1/procedures/{code} — one procedure."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from madoguchi.api.auth import SearchAccess
from madoguchi.catalog import selectors
from madoguchi.catalog.models import LifeEvent, Offering, Procedure
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.validators import validate_local_government_code


class OfferingSerializer(serializers.ModelSerializer[Offering]):
    municipality_code = serializers.CharField(source="municipality_id")
    form_version_id = serializers.SerializerMethodField()

    class Meta:
        model = Offering
        fields = (
            "municipality_code",
            "online",
            "form_version_id",
            "contact",
            "fees",
            "deadline",
            "attachments",
            "notes",
        )

    def get_form_version_id(self, offering: Offering) -> str | None:
        return offering.form_version_ref or None


class ProcedureSerializer(serializers.ModelSerializer[Procedure]):
    life_events = serializers.SlugRelatedField[LifeEvent](
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Procedure
        fields = (
            "code",
            "name",
            "kana",
            "summary",
            "category",
            "level",
            "life_events",
            "legal_basis",
            "signature_required",
        )


class ProcedureHitSerializer(serializers.Serializer[selectors.ProcedureHit]):
    procedure = ProcedureSerializer()
    score = serializers.FloatField(help_text="検索語との一致度 / relevance to q (0 without q)")
    offering = OfferingSerializer(
        allow_null=True,
        help_text=(
            "municipality を指定したとき、その住民向けの提供内容 / how the municipality offers it"
        ),
    )


class ProcedureQuery(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    municipality = serializers.CharField(
        required=False, max_length=6, validators=[validate_local_government_code]
    )
    life_event = serializers.SlugField(required=False, max_length=32)
    online = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_municipality(self, value: str) -> str:
        if municipality_selectors.municipality_get(code=value) is None:
            raise serializers.ValidationError(
                _("There is no local government with code %(code)s.") % {"code": value}
            )
        return value

    def validate_life_event(self, value: str) -> str:
        codes = list(selectors.life_event_list().values_list("code", flat=True))
        if value not in codes:
            raise serializers.ValidationError(
                _("Unknown life event %(value)s. Choose one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(codes)}
            )
        return value


_MUNICIPALITY = OpenApiParameter(
    "municipality",
    str,
    description="住民の自治体の団体コード。指定するとその自治体でオンライン申請できる手続が先頭に"
    "なり、提供内容（offering）が付きます / the resident's local government code: its online "
    "procedures come first, with how it offers each",
    examples=[OpenApiExample("千代田区", value="131016")],
)


class ProcedureListView(SearchAccess, APIView):
    @extend_schema(
        summary="手続の検索 / Search procedures",
        description=(
            "ふだんのことば（「子どもが生まれた」「引っ越し」「家が壊れた」など）で手続を探します。"
            "ひらがな・カタカナ・半角・長音の違いは区別しません。\n\n"
            "Find procedures from everyday words. Kana, width and long-vowel differences are "
            "ignored. Best matches first; with `municipality`, procedures that municipality "
            "offers online come first."
        ),
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="検索語 / what the resident typed",
                examples=[OpenApiExample("出生", value="子どもが生まれた")],
            ),
            _MUNICIPALITY,
            OpenApiParameter(
                "life_event",
                str,
                description="ライフイベント / life event code",
                examples=[OpenApiExample("介護", value="care")],
            ),
            OpenApiParameter(
                "online",
                bool,
                description="オンライン申請できるものだけ（true）/ "
                "できないものだけ（false） / only online (true) or offline (false)",
            ),
        ],
        responses=ProcedureHitSerializer(many=True),
        tags=["procedures"],
    )
    def get(self, request: Request) -> Response:
        query = ProcedureQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        hits = selectors.procedure_search(
            q=params.get("q", ""),
            municipality_code=params.get("municipality"),
            life_event=params.get("life_event"),
            online=params.get("online"),
        )
        return Response(ProcedureHitSerializer(hits, many=True).data)  # type: ignore[arg-type]


class ProcedureDetailView(SearchAccess, APIView):
    @extend_schema(
        summary="手続の詳細 / Procedure detail",
        description=(
            "手続の説明と、municipality を指定したときはその自治体での提供内容を返します。\n\n"
            "A procedure, and how the given municipality offers it."
        ),
        parameters=[_MUNICIPALITY],
        responses=ProcedureHitSerializer,
        tags=["procedures"],
    )
    def get(self, request: Request, code: str) -> Response:
        query = ProcedureQuery(data=request.query_params, partial=True)
        query.is_valid(raise_exception=True)
        procedure = selectors.procedure_get(code=code)
        if procedure is None:
            raise NotFound(_("There is no procedure with code %(code)s.") % {"code": code})
        offering = None
        municipality_code = query.validated_data.get("municipality")
        if municipality_code:
            municipality = municipality_selectors.municipality_get(code=municipality_code)
            assert municipality is not None  # validated above
            offering = selectors.offering_for(procedure=procedure, municipality=municipality)
        hit = selectors.ProcedureHit(procedure, 0.0, offering)
        return Response(ProcedureHitSerializer(hit).data)


urlpatterns = [
    path("procedures", ProcedureListView.as_view(), name="procedure-list"),
    path("procedures/<slug:code>", ProcedureDetailView.as_view(), name="procedure-detail"),
]
