"""Request and response shapes of /api/v1/applications (also the OpenAPI components)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from madoguchi.applications.models import Application, StatusChange
from madoguchi.applications.types import Status

MAX_SIGNATURE_BYTES = 64 * 1024
MAX_FILE_BYTES = 10 * 1024 * 1024


def b64decode(value: str, *, limit: int) -> bytes:
    """Standard or URL-safe base64 (padding optional); anything else is refused, not skipped."""
    text = value.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise serializers.ValidationError(_("This is not valid base64.")) from None
    if not raw:
        raise serializers.ValidationError(_("This is empty."))
    if len(raw) > limit:
        raise serializers.ValidationError(
            _("This is too large (at most %(limit)s bytes).") % {"limit": limit}
        )
    return raw


class Base64Field(serializers.CharField):
    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(trim_whitespace=True, **kwargs)
        # Base64 is ASCII by definition and b64decode refuses anything else; DRF's scan of the
        # text for surrogate characters cost ~1 ms per signature on the submission hot path.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitSurrogateCharactersValidator)
        ]

    def to_internal_value(self, data: Any) -> bytes:  # type: ignore[override]
        return b64decode(str(super().to_internal_value(data)), limit=self.limit)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "標準項目コードをキーとする回答 / answers keyed by standard item code",
        "example": {"disaster.date": "2025-01-15", "certificate.copies": 1},
    }
)
class AnswersField(serializers.Field):  # type: ignore[type-arg]
    """A JSON object of answers, passed on as parsed: the form validator checks every value
    (DRF's DictField of JSONFields copied each value and cost ~1 ms per submission)."""

    default_error_messages = {
        "not_a_dict": serializers.DictField.default_error_messages["not_a_dict"],
    }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        return {str(key): value for key, value in data.items()}

    def to_representation(self, value: Any) -> Any:
        return value


class FormChoiceSerializer(serializers.Serializer[dict[str, Any]]):
    municipality_code = serializers.RegexField(
        r"^[0-9]{6}$",
        required=False,
        help_text="団体コード / local government code (6 digits)",
    )
    procedure_code = serializers.SlugField(
        required=False, max_length=64, help_text="手続コード / procedure code"
    )
    form_version_id = serializers.UUIDField(
        required=False,
        help_text="様式版ID（推奨：署名対象の form_version_hash が確定します）/ form version id "
        "(recommended: it fixes the form_version_hash the payload commits to)",
    )


class DraftCreateSerializer(FormChoiceSerializer):
    answers = AnswersField(required=False, help_text="最初の回答（任意）/ initial answers")


class AnswersUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    answers = AnswersField(help_text="上書きする回答（項目単位でマージ）/ answers, merged by item")
    page_id = serializers.SlugField(
        required=False, max_length=64, help_text="このページだけ検証 / validate this page only"
    )


class AttachmentJsonSerializer(serializers.Serializer[dict[str, Any]]):
    item_path = serializers.CharField(
        max_length=128, help_text="ファイル項目のパス / path of the file item"
    )
    name = serializers.CharField(max_length=255, help_text="ファイル名 / file name")
    content_type = serializers.CharField(max_length=128, help_text="MIME type")
    content_base64 = Base64Field(limit=MAX_FILE_BYTES, help_text="内容（base64）/ content")


class AttachmentMultipartSerializer(serializers.Serializer[dict[str, Any]]):
    item_path = serializers.CharField(max_length=128)
    file = serializers.FileField(max_length=255)


class AttachmentMetadataSerializer(serializers.Serializer[dict[str, Any]]):
    item_path = serializers.CharField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class SignatureSerializer(serializers.Serializer[dict[str, Any]]):
    signed_at = serializers.DateTimeField(
        help_text="署名対象に含めた時刻（UTC、秒単位）/ the time in the signed payload "
        "(UTC, whole seconds)"
    )
    signature = Base64Field(
        limit=MAX_SIGNATURE_BYTES,
        help_text="署名対象に対する分離型 CMS SignedData（DER）の base64 / base64 of the "
        "detached CMS SignedData (DER) over the payload",
    )


class FileContentSerializer(serializers.Serializer[dict[str, Any]]):
    content_base64 = Base64Field(limit=MAX_FILE_BYTES, help_text="内容（base64）/ content")


class SignedApplicationSerializer(FormChoiceSerializer, SignatureSerializer):
    answers = AnswersField(help_text="回答 / answers")
    files = serializers.DictField(
        child=FileContentSerializer(),
        required=False,
        help_text="回答のファイル項目の内容（パス → base64）/ contents of the file answers "
        "(path → base64)",
    )


@extend_schema_field(
    {
        "type": "string",
        "enum": list(Status.values),
        "description": "状態 / status: draft, submitted（受付済み）, in_review, "
        "returned（差戻し）, completed, rejected, withdrawn",
    }
)
class StatusField(serializers.CharField):
    pass


class HistorySerializer(serializers.ModelSerializer[StatusChange]):
    status = StatusField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")

    class Meta:
        model = StatusChange
        fields = ("status", "status_label", "at", "message")


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    id = serializers.UUIDField(source="public_id", help_text="申請ID / application id")
    status = StatusField()
    status_label = serializers.CharField(source="get_status_display", help_text="状態の表示名")
    receipt_number = serializers.CharField(
        allow_null=True, help_text="受付番号（9文字）/ receipt number"
    )
    receipt_display = serializers.CharField(help_text="表示用 XXXX-XXXX-C / for display")
    municipality_code = serializers.CharField(source="municipality_id")
    form_version_id = serializers.UUIDField()
    test = serializers.SerializerMethodField(
        help_text="テスト用キーで作成 / created with a test key"
    )

    class Meta:
        model = Application
        fields: tuple[str, ...] = (
            "id",
            "status",
            "status_label",
            "receipt_number",
            "receipt_display",
            "municipality_code",
            "procedure_code",
            "form_version_id",
            "test",
            "created_at",
            "updated_at",
            "signed_at",
            "submitted_at",
        )

    def get_test(self, application: Application) -> bool:
        return bool(self.context.get("test"))


_DATETIME = serializers.DateTimeField()


def _datetime(value: Any) -> Any:
    return None if value is None else _DATETIME.to_representation(value)


def application_body(application: Application, *, test: bool) -> dict[str, Any]:
    """What ApplicationSerializer gives (the schema stays there), built directly: the
    submission answers with it on every request and DRF's per-instance field copies cost ~0.8 ms.
    A test keeps the two equal."""
    return {
        "id": str(application.public_id),
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "receipt_number": application.receipt_number,
        "receipt_display": application.receipt_display,
        "municipality_code": application.municipality_id,
        "procedure_code": application.procedure_code,
        "form_version_id": str(application.form_version_id),
        "test": bool(test),
        "created_at": _datetime(application.created_at),
        "updated_at": _datetime(application.updated_at),
        "signed_at": _datetime(application.signed_at),
        "submitted_at": _datetime(application.submitted_at),
    }


class ApplicationDetailSerializer(ApplicationSerializer):
    history = HistorySerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = (*ApplicationSerializer.Meta.fields, "history")


class FieldErrorSerializer(serializers.Serializer[dict[str, str]]):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField(help_text="日本語 / Japanese")
    message_en = serializers.CharField(help_text="English")
    item = serializers.CharField(required=False, help_text="標準項目コード / item code")


class DraftSerializer(serializers.Serializer[dict[str, Any]]):
    application = ApplicationSerializer()
    answers = serializers.DictField(help_text="入力どおりの回答 / answers as typed")
    errors = FieldErrorSerializer(many=True, help_text="検証エラー / validation errors")  # type: ignore[assignment]


class ValidationReportSerializer(serializers.Serializer[dict[str, Any]]):
    valid = serializers.BooleanField()
    errors = FieldErrorSerializer(many=True)  # type: ignore[assignment]


class SigningPayloadSerializer(serializers.Serializer[dict[str, Any]]):
    format = serializers.CharField(help_text="madoguchi-signing-payload/1")
    signed_at = serializers.CharField(help_text="署名に使う時刻 / the signed_at to submit")
    payload_base64 = serializers.CharField(help_text="署名するバイト列 / the bytes to sign")
    sha256 = serializers.CharField(help_text="SHA-256 (hex)")


class PayloadPreviewSerializer(FormChoiceSerializer):
    answers = AnswersField(help_text="回答 / answers")
    signed_at = serializers.DateTimeField(
        required=False, help_text="署名時刻（省略時は現在）/ signing time (default: now)"
    )


class PayloadPreviewResponseSerializer(SigningPayloadSerializer):
    form_version_id = serializers.UUIDField()
    answers = serializers.DictField(help_text="正規化された回答 / normalised answers")


@extend_schema_field(
    {
        "type": "string",
        "enum": ["arrived", "received", "refused"],
        "description": "arrived（到達・確認中）, received（受付）, refused（受付不可）",
    }
)
class ArrivalStateField(serializers.CharField):
    pass


class ArrivalSerializer(serializers.Serializer[Any]):
    """The documented shape of an arrival's status (madoguchi.api.arrivals.arrival_body)."""

    arrival_number = serializers.CharField(help_text="到達番号（12文字）/ arrival number")
    arrival_display = serializers.CharField(help_text="表示用 XXXX-XXXX-XXXX / for display")
    arrived_at = serializers.DateTimeField(help_text="到達日時 / time of arrival")
    state = ArrivalStateField()
    status_url = serializers.CharField(help_text="状況の URL / status URL")
    finished_at = serializers.DateTimeField(
        allow_null=True, help_text="受付または受付不可の日時 / when it was received or refused"
    )
    application = ApplicationSerializer(
        allow_null=True, help_text="受付済みの申請（received のとき）/ the received application"
    )
    problem = serializers.DictField(
        allow_null=True,
        help_text="受付不可の理由（RFC 9457 の問題詳細、refused のとき）/ why it was refused "
        "(an RFC 9457 problem document)",
    )
