"""/api/v1/applications — apply on behalf of residents.

Two ways in:
- one request: POST /applications with the answers and the resident's CMS signature; the
  applicant is the holder of the signing certificate (no resident token needed);
- step by step, for a resident signed in with the authentication app (X-Resident-Token): create a
  draft, update answers, upload attachments, validate, get the signing payload, submit.
Either way the client can read the status of what it sent.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from madoguchi.api import application_examples as ex
from madoguchi.api import application_serializers as s
from madoguchi.api import arrivals as arrival_api
from madoguchi.api import submission
from madoguchi.api.auth import (
    ApiKeyAndResidentAuthentication,
    ApiKeyAuthentication,
    ClientRateThrottle,
    HasScope,
    credential_of,
)
from madoguchi.api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from madoguchi.api.idempotency import idempotent
from madoguchi.api.models import Scope
from madoguchi.api.problems import ApiProblem, field_error
from madoguchi.api.residents import resident_from_request
from madoguchi.applications import services as application_services
from madoguchi.audit.services import audit_record
from madoguchi.forms import selectors as form_selectors
from madoguchi.signatures.payload import PAYLOAD_FORMAT, signed_at_text

if TYPE_CHECKING:
    from madoguchi.api.keys import Credential
    from madoguchi.applications.models import Application
    from madoguchi.forms.models import FormVersion
    from madoguchi.forms.validation import ValidationResult

TAG = ["applications"]
_ID = OpenApiParameter(
    "application_id",
    str,
    OpenApiParameter.PATH,
    description="申請ID（UUID）/ application id (UUID)",
)


def _form_version_of(credential: Credential, data: Mapping[str, Any]) -> FormVersion:
    """The form version a request body names (form_version_id, or municipality + procedure)."""
    return submission.form_version_resolve(
        credential=credential,
        municipality_code=data.get("municipality_code"),
        procedure_code=data.get("procedure_code"),
        form_version_id=str(data["form_version_id"]) if data.get("form_version_id") else None,
    )


class _ApplyView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    required_scope = Scope.APPLY


class _ResidentView(_ApplyView):
    authentication_classes = [ApiKeyAndResidentAuthentication]

    def draft(self, request: Request, application_id: str) -> tuple[Credential, Application]:
        """The client's application acting for the resident of X-Resident-Token."""
        credential = credential_of(request)
        application = _application(credential, application_id)
        resident = resident_from_request(request)
        if application.resident_id != resident.pk:
            raise _not_found()
        return credential, application


def _not_found() -> ApiProblem:
    return ApiProblem(
        status_code=404,
        code="not_found",
        title=_("There is no application with this id for this API client."),
    )


def _application(credential: Credential, application_id: str) -> Application:
    application = submission.application_for_client(credential=credential, public_id=application_id)
    if application is None:
        raise _not_found()
    return application


def _application_body(application: Application, credential: Credential) -> dict[str, Any]:
    return s.application_body(application, test=credential.is_test)


def _errors(result: ValidationResult, keys: list[str] | None = None) -> list[dict[str, str]]:
    def touched(path: str) -> bool:
        if keys is None:
            return True
        return any(path == k or path.startswith((f"{k}.", f"{k}[")) for k in keys)

    return [
        {**field_error(field=f"answers.{e.path}", message=e.message, code=e.code), "item": e.item}
        for e in result.errors
        if touched(e.path)
    ]


def _draft_body(
    application: Application, credential: Credential, errors: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "application": _application_body(application, credential),
        "answers": application.raw_answers,
        "errors": errors,
    }


class ApplicationCollectionView(_ApplyView):
    @extend_schema(
        operation_id="applications_submit_signed",
        summary="署名付き申請の一括送信（到達）/ Submit a signed application in one request "
        "(arrival)",
        description=ex.ONE_REQUEST_DESCRIPTION,
        parameters=[IDEMPOTENCY_KEY],
        request=s.SignedApplicationSerializer,
        responses={
            202: s.ArrivalSerializer,
            400: ex.PROBLEM,
            401: ex.PROBLEM,
            403: ex.PROBLEM,
            409: ex.PROBLEM,
            413: ex.PROBLEM,
            422: ex.PROBLEM,
            429: ex.PROBLEM,
        },
        examples=[
            ex.SIGNED_REQUEST,
            ex.ARRIVED,
            ex.FORM_NOT_FOUND,
            ex.TOO_LARGE,
            ex.PUBLIC_FUNDS_NOT_IN_API,
        ],
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        # 到達: one insert of the request as received, 202 with the 到達番号 and the status URL;
        # a worker examines it (受付) — madoguchi.api.arrivals.
        return arrival_api.arrive(request, credential_of(request))


class PayloadPreviewView(_ApplyView):
    @extend_schema(
        operation_id="applications_payload_preview",
        summary="署名対象の計算（保存なし）/ Compute a signing payload (nothing stored)",
        description=ex.PREVIEW_DESCRIPTION,
        request=s.PayloadPreviewSerializer,
        responses={200: s.PayloadPreviewResponseSerializer, 401: ex.PROBLEM, 422: ex.PROBLEM},
        examples=[
            ex.PREVIEW_REQUEST,
            ex.PREVIEW_RESPONSE,
            ex.INVALID_ANSWERS,
            ex.PUBLIC_FUNDS_NOT_IN_API,
        ],
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        credential = credential_of(request)
        serializer = s.PayloadPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form_version = _form_version_of(credential, data)
        signed_at = data.get("signed_at") or timezone.now()
        answers, payload = submission.payload_preview(
            form_version=form_version, answers=dict(data["answers"]), signed_at=signed_at
        )
        return Response(
            {
                "form_version_id": str(form_version.pk),
                "answers": answers,
                **_payload_body(payload, signed_at),
            }
        )


def _payload_body(payload: bytes, signed_at: datetime.datetime) -> dict[str, str]:
    return {
        "format": PAYLOAD_FORMAT,
        "signed_at": signed_at_text(signed_at),
        "payload_base64": base64.b64encode(payload).decode("ascii"),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }


class DraftCreateView(_ResidentView):
    @extend_schema(
        operation_id="applications_draft_create",
        summary="下書きの作成 / Create a draft",
        description=ex.DRAFT_CREATE_DESCRIPTION,
        parameters=[IDEMPOTENCY_KEY],
        request=s.DraftCreateSerializer,
        responses={201: s.DraftSerializer, 401: ex.PROBLEM, 403: ex.PROBLEM, 422: ex.PROBLEM},
        examples=[ex.DRAFT_REQUEST, ex.DRAFT_RESPONSE, ex.PUBLIC_FUNDS_NOT_IN_API],
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        credential = credential_of(request)
        serializer = s.DraftCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form_version = _form_version_of(credential, data)
        resident = resident_from_request(request)
        answers = dict(data.get("answers") or {})
        submission.public_funds_refuse(answers)

        def work() -> Response:
            application = submission.application_draft_create_for(
                credential=credential, resident=resident, form_version=form_version, answers=answers
            )
            errors: list[dict[str, str]] = []
            if answers:
                result = form_selectors.form_validate(form_version=form_version, answers=answers)
                errors = _errors(result, list(answers))
            return Response(
                _draft_body(application, credential, errors),
                status=status.HTTP_201_CREATED,
                headers={"Location": f"/api/v1/applications/{application.public_id}"},
            )

        return idempotent(request, credential, work)


class ApplicationDetailView(_ApplyView):
    @extend_schema(
        operation_id="applications_read",
        summary="申請の状態 / Read an application's status",
        description=ex.DETAIL_DESCRIPTION,
        parameters=[_ID],
        responses={200: s.ApplicationDetailSerializer, 401: ex.PROBLEM, 404: ex.PROBLEM},
        examples=[ex.DETAIL_RESPONSE],
        tags=TAG,
    )
    def get(self, request: Request, application_id: str) -> Response:
        credential = credential_of(request)
        application = _application(credential, application_id)
        audit_record(
            action="api.application_read",
            actor=cast(Any, request.user),
            municipality_code=application.municipality_id,
            object_type="application",
            object_id=application.receipt_number or str(application.public_id),
        )
        body = s.ApplicationDetailSerializer(application, context={"test": credential.is_test})
        return Response(body.data)


class AnswersView(_ResidentView):
    @extend_schema(
        operation_id="applications_answers_update",
        summary="回答の更新 / Update answers",
        description=ex.ANSWERS_DESCRIPTION,
        parameters=[_ID],
        request=s.AnswersUpdateSerializer,
        responses={
            200: s.DraftSerializer,
            401: ex.PROBLEM,
            404: ex.PROBLEM,
            409: ex.PROBLEM,
            422: ex.PROBLEM,
        },
        examples=[ex.ANSWERS_REQUEST, ex.ANSWERS_RESPONSE, ex.PUBLIC_FUNDS_NOT_IN_API],
        tags=TAG,
    )
    def patch(self, request: Request, application_id: str) -> Response:
        credential, application = self.draft(request, application_id)
        serializer = s.AnswersUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = dict(serializer.validated_data["answers"])
        submission.public_funds_refuse(answers)
        page_id = serializer.validated_data.get("page_id")
        try:
            result = application_services.application_answers_save(
                application=application, answers=answers, page_id=page_id
            )
        except application_services.ApplicationError as error:
            raise submission.problem_for(error) from error
        errors = _errors(result, None if page_id else list(answers))
        return Response(_draft_body(application, credential, errors))


class AttachmentView(_ResidentView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="applications_attachment_upload",
        summary="添付ファイルの送信 / Upload an attachment",
        description=ex.ATTACHMENT_DESCRIPTION,
        parameters=[_ID, IDEMPOTENCY_KEY],
        request={
            "application/json": s.AttachmentJsonSerializer,
            "multipart/form-data": s.AttachmentMultipartSerializer,
        },
        responses={
            201: s.AttachmentMetadataSerializer,
            401: ex.PROBLEM,
            404: ex.PROBLEM,
            409: ex.PROBLEM,
            422: ex.PROBLEM,
        },
        examples=[ex.ATTACHMENT_REQUEST, ex.ATTACHMENT_RESPONSE],
        tags=TAG,
    )
    def post(self, request: Request, application_id: str) -> Response:
        credential, application = self.draft(request, application_id)
        if request.content_type.startswith("multipart/"):
            multipart = s.AttachmentMultipartSerializer(data=request.data)
            multipart.is_valid(raise_exception=True)
            item_path = multipart.validated_data["item_path"]
            upload = multipart.validated_data["file"]
        else:
            body = s.AttachmentJsonSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            item_path = body.validated_data["item_path"]
            upload = SimpleUploadedFile(
                body.validated_data["name"],
                body.validated_data["content_base64"],
                body.validated_data["content_type"],
            )
        if upload.size and upload.size > s.MAX_FILE_BYTES:
            raise submission.field_problem("file", _("The file is too large (at most 10 MB)."))

        def work() -> Response:
            try:
                metadata = application_services.application_attachment_store(
                    application=application, item_path=item_path, upload=upload
                )
                if "[" not in item_path:  # a top-level file item: its answer is the metadata
                    application_services.application_answers_save(
                        application=application, answers={item_path: metadata}
                    )
            except application_services.ApplicationError as error:
                raise submission.problem_for(error) from error
            return Response({"item_path": item_path, **metadata}, status=status.HTTP_201_CREATED)

        return idempotent(request, credential, work)


class ValidateView(_ResidentView):
    @extend_schema(
        operation_id="applications_validate",
        summary="申請内容の検証 / Validate the whole application",
        description=ex.VALIDATE_DESCRIPTION,
        parameters=[_ID],
        request=None,
        responses={200: s.ValidationReportSerializer, 401: ex.PROBLEM, 404: ex.PROBLEM},
        examples=[ex.VALIDATE_RESPONSE],
        tags=TAG,
    )
    def post(self, request: Request, application_id: str) -> Response:
        _credential, application = self.draft(request, application_id)
        result = form_selectors.form_validate(
            form_version=application.form_version, answers=application.raw_answers
        )
        errors = _errors(result) + (
            submission.missing_attachments(application) if result.is_valid else []
        )
        return Response({"valid": not errors, "errors": errors})


class SigningPayloadView(_ResidentView):
    @extend_schema(
        operation_id="applications_signing_payload",
        summary="署名対象の取得 / Get the canonical signing payload",
        description=ex.PAYLOAD_DESCRIPTION,
        parameters=[_ID],
        responses={
            200: s.SigningPayloadSerializer,
            401: ex.PROBLEM,
            404: ex.PROBLEM,
            422: ex.PROBLEM,
        },
        examples=[ex.PAYLOAD_RESPONSE],
        tags=TAG,
    )
    def get(self, request: Request, application_id: str) -> Response:
        _credential, application = self.draft(request, application_id)
        missing = submission.missing_attachments(application)
        signed_at = timezone.now().replace(microsecond=0)
        try:
            payload = application_services.application_signing_payload(
                application=application, signed_at=signed_at
            )
        except application_services.ApplicationError as error:
            raise submission.problem_for(error) from error
        if missing:
            raise _missing_problem(missing)
        return Response(_payload_body(payload, signed_at))


def _missing_problem(errors: list[dict[str, str]]) -> ApiProblem:
    return ApiProblem(
        status_code=422,
        code="attachments_missing",
        title=_("Some files have not been uploaded."),
        detail=_("Upload the files listed in errors, then try again."),
        errors=errors,
    )


class SubmitView(_ResidentView):
    @extend_schema(
        operation_id="applications_submit",
        summary="署名して提出（到達）/ Submit with the resident's signature (arrival)",
        description=ex.SUBMIT_DESCRIPTION,
        parameters=[_ID, IDEMPOTENCY_KEY],
        request=s.SignatureSerializer,
        responses={
            202: s.ArrivalSerializer,
            401: ex.PROBLEM,
            404: ex.PROBLEM,
            409: ex.PROBLEM,
            422: ex.PROBLEM,
        },
        examples=[ex.SUBMIT_REQUEST, ex.ARRIVED],
        tags=TAG,
    )
    def post(self, request: Request, application_id: str) -> Response:
        credential, application = self.draft(request, application_id)
        serializer = s.SignatureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # 到達: one insert, 202 with the 到達番号 and the status URL; a worker examines it (受付)
        # like the one-request submission (ADR 0011: one contract) — madoguchi.api.arrivals.
        return arrival_api.arrive_draft(
            request,
            credential,
            application,
            signed_at=serializer.validated_data["signed_at"],
            cms_der=serializer.validated_data["signature"],
        )


urlpatterns = [
    path("applications", ApplicationCollectionView.as_view(), name="application-list"),
    path(
        "arrivals/<str:arrival_number>",
        arrival_api.ArrivalStatusView.as_view(),
        name="arrival-detail",
    ),
    path("applications/drafts", DraftCreateView.as_view(), name="application-drafts"),
    path("applications/payload", PayloadPreviewView.as_view(), name="application-payload"),
    path(
        "applications/<uuid:application_id>",
        ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<uuid:application_id>/answers",
        AnswersView.as_view(),
        name="application-answers",
    ),
    path(
        "applications/<uuid:application_id>/attachments",
        AttachmentView.as_view(),
        name="application-attachments",
    ),
    path(
        "applications/<uuid:application_id>/validate",
        ValidateView.as_view(),
        name="application-validate",
    ),
    path(
        "applications/<uuid:application_id>/signing-payload",
        SigningPayloadView.as_view(),
        name="application-signing-payload",
    ),
    path(
        "applications/<uuid:application_id>/submit",
        SubmitView.as_view(),
        name="application-submit",
    ),
]
