"""/api/v1/reception/…: the core-system pull API of a municipality (受付API).

A core system (基幹システム) authenticates with its municipality's credential
(`Authorization: Bearer mdg_…`, created with `manage.py reception_api_credential_create`),
lists applications it has not acknowledged, oldest first, fetches each by receipt number,
acknowledges it once stored, and reports processing status. Delivery is at least once: what is
not acknowledged is offered again; acknowledging twice is harmless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import FileResponse, HttpResponseBase
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from madoguchi.api.problems import ApiProblem, problem_response
from madoguchi.applications.types import ScanStatus, Status
from madoguchi.reception import conf, pull, selectors, services

if TYPE_CHECKING:
    from madoguchi.applications.models import Application
    from madoguchi.reception.models import ApiCredential

TAG = "reception"


class CredentialScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "madoguchi.reception.pull.CredentialAuthentication"
    name = "receptionCredential"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "団体ごとの受付API資格情報（mdg_…）/ per-municipality reception "
            "credential, created with manage.py reception_api_credential_create",
        }


_RECEIPT = OpenApiParameter(
    "receipt_number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="受付番号（ハイフンの有無は問わない）/ receipt number (with or without hyphens)",
)
_PROBLEM = OpenApiResponse(
    description="エラー（RFC 9457 problem details）/ error (RFC 9457 problem details)"
)
_SUMMARY_EXAMPLE = {
    "receipt_number": "ABCD2345K",
    "receipt_display": "ABCD-2345-K",
    "municipality_code": "131016",
    "procedure_code": "disaster-certificate",
    "status": "submitted",
    "submitted_at": "2026-04-01T09:30:00+09:00",
    "updated_at": "2026-04-01T09:30:00+09:00",
    "url": "https://madoguchi.example.jp/api/v1/reception/applications/ABCD2345K",
}


class SummarySerializer(serializers.Serializer[Any]):
    receipt_number = serializers.CharField(help_text="受付番号 / receipt number")
    receipt_display = serializers.CharField(help_text="表示用の受付番号 / for display")
    municipality_code = serializers.CharField(help_text="団体コード / local government code")
    procedure_code = serializers.CharField(help_text="手続コード / procedure code")
    status = serializers.ChoiceField(choices=[s.value for s in Status], help_text="状態 / status")
    submitted_at = serializers.DateTimeField(help_text="受付日時 / received at")
    updated_at = serializers.DateTimeField(help_text="更新日時 / last change")
    url = serializers.URLField(help_text="詳細のURL / URL of the full document")


class ListSerializer(serializers.Serializer[Any]):
    results = SummarySerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text="次のページのカーソル（なければ null）/ cursor of the next page, or null",
    )


class DocumentSerializer(SummarySerializer):
    channel = serializers.CharField(help_text="web / api")
    form_version = serializers.JSONField(help_text="様式版 / form version (id, version, hash)")
    answers = serializers.JSONField(
        help_text="標準項目コードをキーとする回答 / answers keyed by standard item code"
    )
    attachments = serializers.JSONField(help_text="添付ファイルとそのURL / attachments and links")
    signature = serializers.JSONField(
        allow_null=True,
        help_text="署名検証の記録：outcome, verified_at, issuer, serial, subject, crl_number, "
        "payload_sha256, signed_at, payload_base64（署名されたバイト列そのもの）, cms_base64"
        "（分離型 CMS、DER）/ signature evidence: … payload_base64 (the exact signed bytes) and "
        "cms_base64 (the detached CMS, DER): `openssl cms -verify -binary -inform DER -in "
        "cms.der -content payload.json -CAfile root.pem` re-verifies them",
    )
    history = serializers.JSONField(help_text="状態の履歴 / status history")


class StatusRequestSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[s.value for s in services.STAFF_STATUSES],
        help_text="新しい状態：in_review（審査中）, returned（差戻し）, completed（完了）, "
        "rejected（却下）/ new status",
    )
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="申請者へのメッセージ（差戻しでは必須）/ message to the applicant (required "
        "for returned)",
    )


class AckSerializer(serializers.Serializer[Any]):
    receipt_number = serializers.CharField()
    acknowledged = serializers.BooleanField()
    first_time = serializers.BooleanField(
        help_text="初めての受領確認なら true / true the first time"
    )


class _Base(APIView):
    authentication_classes = [pull.CredentialAuthentication]
    permission_classes = [pull.HasCredential]

    def credential(self, request: Request) -> ApiCredential:
        # HasCredential let the request through, so pull.CredentialAuthentication set it.
        return cast("ApiCredential", request.auth)

    def application(self, request: Request, receipt_number: str) -> Application:
        application = selectors.application_get(
            municipality_codes=[self.credential(request).municipality_id],
            receipt_number=receipt_number,
        )
        if application is None:
            raise NotFound(str(pull.MESSAGES["not_found"]))
        return application

    def audit(
        self,
        request: Request,
        action: str,
        application: Application | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        credential = self.credential(request)
        services.audit_view(
            action=action,
            actor_label=f"api:{credential.prefix}",
            municipality_code=credential.municipality_id,
            receipt_number=application.receipt_number or "" if application else "",
            data=data,
            ip_address=request.META.get("REMOTE_ADDR"),
        )


def _flag(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true", "yes"}


class ApplicationListView(_Base):
    @extend_schema(
        operation_id="reception_applications_list",
        summary="受付一覧（未確認のもの、古い順）/ List applications not yet acknowledged",
        description=(
            "この団体の申請を受付日時の古い順に返します。既定では、この資格情報でまだ受領確認"
            "（ack）していない申請だけを返します。ackしなかった申請は次の取得でも返されます"
            "（少なくとも1回の配送）。`next_cursor` を `cursor` に渡すと続きを取得できます。"
            "カーソルは不透明で、途中で ack しても安定しています。\n\n"
            "Applications of the credential's municipality, oldest submission first. By "
            "default only those this credential has not acknowledged: whatever is not "
            "acknowledged is offered again (at-least-once). Pass `next_cursor` as `cursor` for "
            "the next page; cursors are opaque and stay valid while you acknowledge."
        ),
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="状態で絞り込み（カンマ区切り可）/ filter by status (comma-separated)",
            ),
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description="前の応答の next_cursor / from next_cursor"
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description="件数（1〜200、既定50）/ page size"
            ),
            OpenApiParameter(
                "include_acknowledged",
                OpenApiTypes.BOOL,
                description="確認済みも含める / include acknowledged applications",
            ),
        ],
        responses={200: ListSerializer, 400: _PROBLEM, 401: _PROBLEM},
        examples=[
            OpenApiExample(
                "1件 / one application",
                response_only=True,
                value={"results": [_SUMMARY_EXAMPLE], "next_cursor": None},
            )
        ],
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        credential = self.credential(request)
        statuses = [s for s in (request.query_params.get("status") or "").split(",") if s]
        valid = {s.value for s in Status if s != Status.DRAFT}
        if any(s not in valid for s in statuses):
            raise ValidationError({"status": [str(pull.MESSAGES["bad_status"])]})
        try:
            limit = int(request.query_params.get("limit") or conf.api_page_size())
        except ValueError:
            limit = conf.api_page_size()
        limit = max(1, min(limit, conf.api_max_page_size()))
        cursor = request.query_params.get("cursor")
        queryset = selectors.pull_queue(
            credential=credential,
            statuses=statuses,
            include_acknowledged=_flag(request.query_params.get("include_acknowledged")),
            after=pull.cursor_decode(cursor) if cursor else None,
        )
        page = list(queryset[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        self.audit(
            request,
            "reception.api_listed",
            data={"receipt_numbers": [a.receipt_number or "" for a in page]},
        )
        return Response(
            {
                "results": [pull.application_summary(request, a) for a in page],
                "next_cursor": pull.cursor_encode(page[-1]) if more and page else None,
            }
        )


class ApplicationView(_Base):
    @extend_schema(
        operation_id="reception_application_get",
        summary="申請の取得 / Get an application",
        description=(
            "受付番号で申請を取得します。回答は標準項目コードをキーとし、添付ファイルのURL、"
            "署名検証の記録（証明書の発行者・シリアル番号・CRL番号・署名されたペイロードそのもの"
            "（payload_base64）と CMS（cms_base64））、状態の履歴を含みます。基幹システムは"
            "この2つだけで openssl cms -verify による再検証ができます（docs/reception.md）。\n\n"
            "One application by receipt number: answers keyed by standard item code, "
            "attachment links, signature evidence (issuer, serial, CRL number, the exact signed "
            "payload as payload_base64 beside the detached CMS as cms_base64 — enough for a "
            "core system to re-verify with openssl cms -verify, see docs/reception.md) and the "
            "status history."
        ),
        parameters=[_RECEIPT],
        responses={200: DocumentSerializer, 401: _PROBLEM, 404: _PROBLEM},
        tags=[TAG],
    )
    def get(self, request: Request, receipt_number: str) -> Response:
        application = self.application(request, receipt_number)
        self.audit(request, "reception.api_read", application)
        return Response(pull.application_document(request, application))


class AttachmentView(_Base):
    @extend_schema(
        operation_id="reception_attachment_get",
        summary="添付ファイルの取得 / Download an attachment",
        description="添付ファイルの内容を返します。/ The bytes of an attachment.",
        parameters=[_RECEIPT],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(response=OpenApiTypes.BINARY),
            401: _PROBLEM,
            404: _PROBLEM,
        },
        tags=[TAG],
    )
    def get(self, request: Request, receipt_number: str, attachment_id: int) -> HttpResponseBase:
        application = self.application(request, receipt_number)
        attachment = application.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound(str(pull.MESSAGES["not_found"]))
        if attachment.scan_status != ScanStatus.CLEAN:
            # Quarantined (docs/scanning.md): the bytes leave only once found clean.
            raise ApiProblem(
                status_code=409,
                code="attachment_quarantined",
                title=_("This file has not been found free of viruses yet, or a virus was found."),
            )
        self.audit(
            request,
            "reception.api_attachment_read",
            application,
            {"attachment": attachment.item_path, "sha256": attachment.sha256},
        )
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )


class AckView(_Base):
    @extend_schema(
        operation_id="reception_application_ack",
        summary="受領確認（ack）/ Acknowledge an application",
        description=(
            "基幹システムに取り込んだことを記録します。以後、一覧の既定の結果に出てきません"
            "（差戻し後に再提出されたときは、もう一度出てきます）。2回送っても害はありません。"
            "\n\nRecord that the core system has stored this application; it then leaves the "
            "default list (until the applicant resubmits it after a return). Acknowledging "
            "twice is harmless."
        ),
        parameters=[_RECEIPT],
        request=None,
        responses={200: AckSerializer, 401: _PROBLEM, 404: _PROBLEM},
        tags=[TAG],
    )
    def post(self, request: Request, receipt_number: str) -> Response:
        application = self.application(request, receipt_number)
        try:
            first = services.application_acknowledge(
                credential=self.credential(request), application=application
            )
        except services.ReceptionError as error:
            return problem_response(status_code=409, code="not-received", title=error.message)
        return Response(
            {
                "receipt_number": application.receipt_number,
                "acknowledged": True,
                "first_time": first,
            }
        )


class StatusView(_Base):
    @extend_schema(
        operation_id="reception_application_status",
        summary="処理状況の報告 / Report processing status",
        description=(
            "申請の状態を変えます（受付 → 審査中 → 完了／却下、差戻し）。申請者にはメールと"
            "マイページで知らされます。差戻しでは message が必須です。許されない遷移は 409 "
            "を返します。\n\n"
            "Move the application along the workflow (received → in review → completed / "
            "rejected, or returned). The applicant is told by e-mail and on their page. "
            "`message` is required for returned. A transition that is not allowed is a 409."
        ),
        parameters=[_RECEIPT],
        request=StatusRequestSerializer,
        responses={
            200: SummarySerializer,
            400: _PROBLEM,
            401: _PROBLEM,
            404: _PROBLEM,
            409: _PROBLEM,
        },
        examples=[
            OpenApiExample(
                "差戻し / return for correction",
                request_only=True,
                value={"status": "returned", "message": "被災場所の番地を確認してください。"},
            )
        ],
        tags=[TAG],
    )
    def post(self, request: Request, receipt_number: str) -> Response:
        application = self.application(request, receipt_number)
        body = StatusRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        to_status = body.validated_data["status"]
        message = body.validated_data.get("message", "")
        if to_status == Status.RETURNED and not message.strip():
            raise ValidationError({"message": [str(pull.MESSAGES["message_required"])]})
        try:
            changed = services.case_status_change(
                application=application, to_status=to_status, actor=None, message=message
            )
        except services.ReceptionError as error:
            return problem_response(
                status_code=409,
                code="transition-not-allowed",
                title=error.message,
                detail=error.message,
            )
        self.audit(request, "reception.api_status_reported", changed, {"to": to_status})
        return Response(pull.application_summary(request, changed))


urlpatterns = [
    path(
        "reception/applications",
        ApplicationListView.as_view(),
        name="reception-applications",
    ),
    path(
        "reception/applications/<str:receipt_number>",
        ApplicationView.as_view(),
        name="reception-application",
    ),
    path(
        "reception/applications/<str:receipt_number>/attachments/<int:attachment_id>",
        AttachmentView.as_view(),
        name="reception-attachment",
    ),
    path(
        "reception/applications/<str:receipt_number>/ack",
        AckView.as_view(),
        name="reception-ack",
    ),
    path(
        "reception/applications/<str:receipt_number>/status",
        StatusView.as_view(),
        name="reception-status",
    ),
]
