"""OpenAPI descriptions (Japanese and English) and examples of /api/v1/applications."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

PROBLEM = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        "RFC 9457 の問題詳細（application/problem+json）。title・detail は日本語、title_en・"
        "detail_en は英語。errors に項目ごとの field・code・message・message_en。\n\n"
        "RFC 9457 problem details (application/problem+json): title/detail in Japanese, "
        "title_en/detail_en in English; errors lists each failing field with field, code, "
        "message and message_en."
    ),
)

_ID = "0d9c4b5e-6a1f-4f57-8f43-2d1f0c3a9b77"
_FORM = "6f1c2f7e-8a59-4f0e-9c39-1b0d3c7a2e11"
_ANSWERS_EXCERPT = {
    "applicant.name": {"family": "𠮷田", "given": "太郎"},
    "applicant.name_kana": {"family": "ヨシダ", "given": "タロウ"},
    "applicant.birth_date": "1985-04-12",
    "disaster.date": "2025-01-15",
    "disaster.cause": "storm",
    "certificate.copies": 1,
    "attachments.photos": {
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "size": 4,
        "sha256": "5d41402abc4b2a76b9719d911017c592ae1d9e8b4c2bf0c3a1f0c1d2b8e0a5c1",
    },
}
_APPLICATION = {
    "id": _ID,
    "status": "submitted",
    "status_label": "受付済み",
    "receipt_number": "K7QH2M9XC",
    "receipt_display": "K7QH-2M9X-C",
    "municipality_code": "131016",
    "procedure_code": "disaster-certificate",
    "form_version_id": _FORM,
    "test": True,
    "created_at": "2026-04-01T10:15:02+09:00",
    "updated_at": "2026-04-01T10:15:02+09:00",
    "signed_at": "2026-04-01T10:14:58+09:00",
    "submitted_at": "2026-04-01T10:15:02+09:00",
}
_DRAFT = {
    **_APPLICATION,
    "status": "draft",
    "status_label": "下書き",
    "receipt_number": None,
    "receipt_display": "",
    "signed_at": None,
    "submitted_at": None,
}
_DATE_ERROR = {
    "field": "answers.disaster.date",
    "code": "date_max",
    "item": "disaster.date",
    "message": "「被災日」に未来の日付は入力できません。",
    "message_en": "“被災日” cannot be a date in the future.",
}

ONE_REQUEST_DESCRIPTION = (
    "到達してから受付へ：回答と住民の署名（分離型 CMS）を一度に送ると、本文の形・様式・"
    "Idempotency-Key だけを確かめて、受け取ったとおりに記録し、すぐに 202 と到達番号・到達日時・"
    "状況の URL（status_url、Location ヘッダーも同じ）を返します。回答の検証・署名と証明書"
    "（経路・失効）の検証・重複の確認・受付番号の付与は、そのあとワーカーが行います。結果は "
    "GET /arrivals/{arrival_number} で確かめます（state が arrived の間は Retry-After の秒数"
    "ごとに。ETag と If-None-Match で 304）：received なら application に受付済みの申請、"
    "refused（受付不可）なら problem に同期で答えていたときと同じ問題詳細（type・status・"
    "errors。重複と同じ署名の再送は existing_application と application が最初の受付）。"
    "同期で待つ経路はありません（docs/adr/0011-arrival-first-14.md）。住民のアクセストークンは不要です：申請者は"
    "署名用電子証明書から特定します。署名対象は docs/signing.md の正規化ペイロード（RFC 8785 "
    "JSON）。signed_at は到達日時を基準に判断します。Idempotency-Key を付けた再送には同じ到達"
    "（同じ到達番号）を返します。\n\n"
    "Arrival first, reception after: send the answers and the resident's detached CMS "
    "signature together; the API checks only the body's shape, the form version and the "
    "Idempotency-Key, records the request exactly as received and answers 202 at once with an "
    "arrival number (到達番号), the time of arrival and a status URL (status_url, also in "
    "Location). Validation, signature, certificate path and CRL checks, duplicates and the "
    "receipt number follow in a worker. Read the outcome with GET /arrivals/{arrival_number} "
    "(while state is arrived, wait Retry-After seconds between reads; ETag with If-None-Match "
    "gives 304): received carries the application under its receipt number; refused (受付不可) "
    "carries in problem the very problem document the synchronous path answered (type, status, "
    "errors; a duplicate or a replayed signature also names the first receipt in "
    "existing_application and application). There is no synchronous variant "
    "(docs/adr/0011-arrival-first-14.md). "
    "No resident token is needed: the applicant is identified by the signing certificate. The "
    "signed bytes are the canonical payload of docs/signing.md (RFC 8785 JSON); signed_at is "
    "judged against the time of arrival. Resending with the same Idempotency-Key returns the "
    "same arrival (the same arrival number).\n\n"
    "202 の前のエラー / errors before 202: 400 本文の形 / body shape; 401 キーなし・無効 / "
    "missing or invalid key; 403 スコープ外・テスト用キーでデモ以外の自治体 / scope, or a test "
    "key outside the demo municipalities; 409 idempotency-key-reused; 413 request-too-large"
    "（API_MAX_REQUEST_BYTES、既定 8 MiB / 8 MiB by default）; 422 validation-error（様式が"
    "ない・自治体が受け付けていない / no such form version, or not offered online）; 429 "
    "流量制限 / rate limited.\n\n"
    "受付不可の problem / problems of a refusal: invalid-answers（errors に項目ごと / per "
    "field）、certificate-expired, certificate-not-yet-valid, certificate-revoked, "
    "unknown-issuer、signature-rejected（outcome）、signer-mismatch、signer-unknown、"
    "signed-at-too-old, signed-at-in-future、signature-replayed, duplicate-application"
    "（existing_application）、validation-error（files の内容 / file contents）.\n\n"
    "申請者 / applicant: 証明書にひも付いた住民、なければ基本4情報が一致する住民、なければ検証後に"
    "証明書から住民を登録します / the resident linked to the certificate, else the one whose "
    "record matches its 基本4情報, else a resident created from the verified certificate."
)

ARRIVAL_STATUS_DESCRIPTION = (
    "到達した申請の状況：arrived（確認中。Retry-After 秒後にもう一度）、received（受付。"
    "application に受付番号）、refused（受付不可。problem に理由）。If-None-Match に ETag を"
    "付けると、変わっていなければ 304 です。このクライアント（同じモード）が送ったものだけが"
    "見えます。\n\n"
    "Where an arrived application stands: arrived (being examined; read again after "
    "Retry-After seconds), received (application holds the receipt), refused (受付不可: problem "
    "says why). Send the ETag in If-None-Match for a 304 while nothing changed. Only what this "
    "client sent with a key of the same mode is visible."
)

_ARRIVAL = {
    "arrival_number": "B7KQ2M9XCR4T",
    "arrival_display": "B7KQ-2M9X-CR4T",
    "arrived_at": "2026-04-01T10:15:02.031+09:00",
    "state": "arrived",
    "status_url": "/api/v1/arrivals/B7KQ2M9XCR4T",
    "finished_at": None,
    "application": None,
    "problem": None,
}
ARRIVED = OpenApiExample("到達 / arrived", response_only=True, status_codes=["202"], value=_ARRIVAL)
ARRIVAL_WAITING = OpenApiExample(
    "確認中 / being examined", response_only=True, status_codes=["200"], value=_ARRIVAL
)
ARRIVAL_RECEIVED = OpenApiExample(
    "受付 / received",
    response_only=True,
    status_codes=["200"],
    value={
        **_ARRIVAL,
        "state": "received",
        "finished_at": "2026-04-01T10:15:02.412+09:00",
        "application": _APPLICATION,
    },
)
ARRIVAL_REFUSED = OpenApiExample(
    "受付不可 / not accepted",
    response_only=True,
    status_codes=["200"],
    value={
        **_ARRIVAL,
        "state": "refused",
        "finished_at": "2026-04-01T10:15:02.388+09:00",
        "problem": {
            "type": "https://madoguchi.jp/problems/certificate-revoked",
            "code": "certificate_revoked",
            "title": "署名を受け付けられませんでした。",
            "title_en": "The signature was not accepted.",
            "status": 422,
            "detail": "署名用電子証明書が失効しています。",
            "detail_en": "The signing certificate has been revoked.",
            "outcome": "revoked",
            "errors": [
                {
                    "field": "signature",
                    "code": "revoked",
                    "message": "署名用電子証明書が失効しています。",
                    "message_en": "The signing certificate has been revoked.",
                }
            ],
        },
    },
)
FORM_NOT_FOUND = OpenApiExample(
    "様式がない / no such form version",
    response_only=True,
    status_codes=["422"],
    value={
        "type": "https://madoguchi.jp/problems/validation-error",
        "title": "リクエストに誤りがあります。",
        "title_en": "Your request has errors.",
        "status": 422,
        "detail": "errors の項目を直して、もう一度送ってください。",
        "detail_en": "Correct the fields listed in errors and try again.",
        "errors": [
            {
                "field": "form_version_id",
                "code": "invalid",
                "message": "この様式はありません。",
                "message_en": "There is no such form version.",
            }
        ],
    },
)

DRAFT_CREATE_DESCRIPTION = (
    "住民（X-Resident-Token のアクセストークンで認証）の代わりに下書きを作ります。回答は入力どおり"
    "に保存され、誤りがあっても失われません。errors は送った項目の検証結果です。\n\n"
    "Create a draft on behalf of the resident authenticated by the access token in "
    "X-Resident-Token. Answers are kept as typed, even when wrong; errors reports the items "
    "you sent."
)
DETAIL_DESCRIPTION = (
    "このクライアントが送った申請の状態と履歴（自治体からのメッセージを含む）を返します。"
    "閲覧は監査ログに記録されます。\n\n"
    "The status and history (with messages from the municipality) of an application this "
    "client sent. Each read is recorded in the audit log."
)
ANSWERS_DESCRIPTION = (
    "回答を項目単位でマージして保存し、page_id を指定するとそのページ、しなければ送った項目の"
    "検証エラーを返します（保存は常に行います）。受付後は 409 です。\n\n"
    "Merge answers item by item and save them (always), then report the errors of page_id, "
    "or of the items sent. 409 once the application has been received."
)
ATTACHMENT_DESCRIPTION = (
    "ファイル項目の内容を multipart/form-data（item_path, file）または JSON（base64）で送ります。"
    "最上位のファイル項目なら、その回答に返却するメタデータ（name, content_type, size, sha256）"
    "が入ります。グループ内の項目は、返却されたメタデータを回答に入れてください。\n\n"
    "Upload the content of a file item as multipart/form-data (item_path, file) or JSON "
    "(base64). For a top-level file item the answer becomes the returned metadata (name, "
    "content_type, size, sha256); inside a group, put the returned metadata into the answers "
    "yourself."
)
VALIDATE_DESCRIPTION = (
    "保存された回答を様式全体で検証し、valid と項目ごとのエラー（未送信の添付ファイルを含む）を"
    "返します。\n\n"
    "Validate the saved answers against the whole form: valid, and the errors per field "
    "(including files not yet uploaded)."
)
PAYLOAD_DESCRIPTION = (
    "住民が署名するバイト列（docs/signing.md の正規化ペイロード）を base64 で返します。"
    "返された signed_at をそのまま提出に使ってください。回答に誤りがあれば 422 です。\n\n"
    "The bytes the resident signs (the canonical payload of docs/signing.md), base64. Submit "
    "with exactly the returned signed_at. 422 while answers are wrong."
)
SUBMIT_DESCRIPTION = (
    "署名（分離型 CMS、DER の base64）と signed_at を送って提出します。一括送信と同じく、"
    "到達（202、到達番号と状況の URL）のあとで受付または受付不可になります。署名者は住民本人の"
    "署名用電子証明書でなければなりません。何度送っても受付番号は一つです。\n\n"
    "Submit with the signature (detached CMS, DER, base64) and signed_at. Like the "
    "one-request submission this is an arrival: `202` with the arrival number and the status "
    "URL (`Location`, `Retry-After`); a worker then receives it (受付) or refuses it (受付不可) "
    "— read GET /arrivals/{arrival_number} or register a webhook. Files not uploaded yet are "
    "422 attachments-missing at once. The signer must be the resident's own signing "
    "certificate. Submitting again while it waits, or once received, answers with the same "
    "arrival (one receipt); the same signature used for another application is refused "
    "signature-replayed. Refusals as for POST /applications (signer-mismatch, "
    "certificate-expired, certificate-revoked, unknown-issuer, signed-at-too-old, …)."
)

SIGNED_REQUEST = OpenApiExample(
    "署名付きの一括送信 / one-request submission",
    request_only=True,
    value={
        "form_version_id": _FORM,
        "municipality_code": "131016",
        "procedure_code": "disaster-certificate",
        "answers": _ANSWERS_EXCERPT,
        "files": {"attachments.photos": {"content_base64": "aGVsbG8="}},
        "signed_at": "2026-04-01T01:14:58Z",
        "signature": "MIIGxQYJKoZIhvcNAQcCoIIGtjCCBrICAQExDzANBglghkgBZQMEAgEFADALBgkqhkiG…",
    },
)
RECEIVED = OpenApiExample(
    "受付済み / received", response_only=True, status_codes=["200", "201"], value=_APPLICATION
)
INVALID_ANSWERS = OpenApiExample(
    "回答の誤り / invalid answers",
    response_only=True,
    status_codes=["422"],
    value={
        "type": "https://madoguchi.jp/problems/invalid-answers",
        "title": "入力内容に誤りがあります。確認して、もう一度お試しください。",
        "title_en": "Some answers are missing or wrong. Correct them and try again.",
        "status": 422,
        "detail": "errors の項目を直して、もう一度送ってください。",
        "detail_en": "Correct the answers listed in errors and try again.",
        "errors": [_DATE_ERROR],
    },
)
_PUBLIC_FUNDS_MESSAGE = (
    "API からの申請では公金受取口座を利用できません。"
    "source と registered_at を付けず、口座を入力して送ってください。"
)
PUBLIC_FUNDS_NOT_IN_API = OpenApiExample(
    "公金受取口座は API では使えない / public funds account not in the API",
    response_only=True,
    status_codes=["422"],
    value={
        "type": "https://madoguchi.jp/problems/public-funds-not-in-api",
        "title": "公金受取口座は API からの申請では利用できません。",
        "title_en": "The public funds receipt account cannot be used through the API.",
        "status": 422,
        "detail": _PUBLIC_FUNDS_MESSAGE,
        "detail_en": (
            "An application sent through the API cannot use the public funds receipt account: "
            "send the account typed in, without source and registered_at."
        ),
        "errors": [
            {
                "field": "answers.payee.account",
                "code": "public_funds_not_in_api",
                "message": _PUBLIC_FUNDS_MESSAGE,
                "message_en": (
                    "An application sent through the API cannot use the public funds receipt "
                    "account: send the account typed in, without source and registered_at."
                ),
                "item": "payee.account",
            }
        ],
    },
)
SIGNATURE_REJECTED = OpenApiExample(
    "署名の拒否 / signature refused",
    response_only=True,
    status_codes=["422"],
    value={
        "type": "https://madoguchi.jp/problems/certificate-revoked",
        "title": "署名を受け付けられませんでした。",
        "title_en": "The signature was not accepted.",
        "status": 422,
        "detail": "署名用電子証明書が失効しています。",
        "detail_en": "The signing certificate has been revoked.",
        "outcome": "revoked",
        "errors": [
            {
                "field": "signature",
                "code": "revoked",
                "message": "署名用電子証明書が失効しています。",
                "message_en": "The signing certificate has been revoked.",
            }
        ],
    },
)
SIGNATURE_REPLAYED = OpenApiExample(
    "同じ署名の再送 / the same signed envelope again",
    response_only=True,
    status_codes=["409"],
    value={
        "type": "https://madoguchi.jp/problems/signature-replayed",
        "title": "この署名は受付番号 ABCD-2345-K の申請ですでに使われています。"
        "署名は1回限り有効です。もう一度申請するには、改めて署名してください。",
        "title_en": "This signature was already used for the application with receipt number "
        "ABCD-2345-K. A signature counts once: sign again to apply again.",
        "status": 409,
        "detail": "署名された申請は1回だけ受け付けます。…",
        "detail_en": "A signed application is received once. …",
        "existing_application": {
            "receipt_number": "ABCD2345K",
            "receipt_display": "ABCD-2345-K",
            "status": "submitted",
            "submitted_at": "2026-04-01T10:15:00+09:00",
        },
    },
)
TOO_LARGE = OpenApiExample(
    "本文が大きすぎる / body too large",
    response_only=True,
    status_codes=["413"],
    value={
        "type": "https://madoguchi.jp/problems/request-too-large",
        "title": "リクエストが大きすぎます。",
        "title_en": "The request is too large.",
        "status": 413,
        "detail": "このリクエストは8,388,608バイトまでです（送信予定は10,485,760バイト）。…",
        "detail_en": "This request may be at most 8,388,608 bytes; it announced 10,485,760 "
        "bytes. …",
        "max_bytes": 8388608,
    },
)
DRAFT_REQUEST = OpenApiExample(
    "下書きの作成 / create a draft",
    request_only=True,
    value={
        "municipality_code": "131016",
        "procedure_code": "disaster-certificate",
        "answers": {"disaster.date": "2025-01-15"},
    },
)
DRAFT_RESPONSE = OpenApiExample(
    "下書き / draft",
    response_only=True,
    status_codes=["200", "201"],
    value={"application": _DRAFT, "answers": {"disaster.date": "2025-01-15"}, "errors": []},
)
DETAIL_RESPONSE = OpenApiExample(
    "審査中 / under review",
    response_only=True,
    value={
        **_APPLICATION,
        "status": "in_review",
        "status_label": "審査中",
        "history": [
            {
                "status": "submitted",
                "status_label": "受付済み",
                "at": "2026-04-01T10:15:02+09:00",
                "message": "",
            },
            {
                "status": "in_review",
                "status_label": "審査中",
                "at": "2026-04-02T09:00:00+09:00",
                "message": "",
            },
        ],
    },
)
ANSWERS_REQUEST = OpenApiExample(
    "回答の更新 / update answers",
    request_only=True,
    value={"answers": {"disaster.date": "2099-01-01"}, "page_id": "disaster"},
)
ANSWERS_RESPONSE = OpenApiExample(
    "保存と検証結果 / saved, with errors",
    response_only=True,
    value={
        "application": _DRAFT,
        "answers": {"disaster.date": "2099-01-01"},
        "errors": [_DATE_ERROR],
    },
)
ATTACHMENT_REQUEST = OpenApiExample(
    "JSON（base64）/ JSON (base64)",
    request_only=True,
    media_type="application/json",
    value={
        "item_path": "attachments.photos",
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "content_base64": "/9j/4AAQSkZJRgABAQ…",
    },
)
ATTACHMENT_RESPONSE = OpenApiExample(
    "保存したファイル / stored file",
    response_only=True,
    status_codes=["201"],
    value={
        "item_path": "attachments.photos",
        "name": "photo.jpg",
        "content_type": "image/jpeg",
        "size": 204800,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    },
)
VALIDATE_RESPONSE = OpenApiExample(
    "誤りあり / with errors",
    response_only=True,
    value={"valid": False, "errors": [_DATE_ERROR]},
)
PAYLOAD_RESPONSE = OpenApiExample(
    "署名対象 / payload",
    response_only=True,
    value={
        "format": "madoguchi-signing-payload/1",
        "signed_at": "2026-04-01T01:14:58Z",
        "payload_base64": "eyJhbnN3ZXJzIjp7ImFwcGxpY2FudC5iaXJ0aF9kYXRlIjoiMTk4NS0wNC0xMiIs…",
        "sha256": "3b1e0f3c5d0a7e2c9a4f8b6d1e2c3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f",
    },
)
SUBMIT_REQUEST = OpenApiExample(
    "署名 / signature",
    request_only=True,
    value={
        "signed_at": "2026-04-01T01:14:58Z",
        "signature": "MIIGxQYJKoZIhvcNAQcCoIIGtjCCBrICAQExDzANBglghkgBZQMEAgEFADALBgkqhkiG…",
    },
)

PREVIEW_DESCRIPTION = (
    "回答を検証・正規化し、その回答に対する署名対象のバイト列を返します。何も保存しません。"
    "署名対象は正規化された回答（例：郵便番号はハイフンなし、住所に団体コード）を含むので、"
    "自前でペイロードを計算するクライアントは、ここで返る answers をそのまま一括送信に使うと"
    "確実です。\n\n"
    "Validate and normalise answers and return the payload a signature over them must cover; "
    "nothing is stored. The payload contains the normalised answers (e.g. postal codes "
    "without hyphen, addresses with their local government code), so a client computing the "
    "payload itself is safest sending exactly the answers returned here."
)
PREVIEW_REQUEST = OpenApiExample(
    "回答 / answers",
    request_only=True,
    value={
        "form_version_id": _FORM,
        "answers": _ANSWERS_EXCERPT,
        "signed_at": "2026-04-01T01:14:58Z",
    },
)
PREVIEW_RESPONSE = OpenApiExample(
    "正規化と署名対象 / normalised, with payload",
    response_only=True,
    value={
        "form_version_id": _FORM,
        "answers": _ANSWERS_EXCERPT,
        "format": "madoguchi-signing-payload/1",
        "signed_at": "2026-04-01T01:14:58Z",
        "payload_base64": "eyJhbnN3ZXJzIjp7ImFwcGxpY2FudC5iaXJ0aF9kYXRlIjoiMTk4NS0wNC0xMiIs…",
        "sha256": "3b1e0f3c5d0a7e2c9a4f8b6d1e2c3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f",
    },
)
