"""到達 then 受付 for the one-request API submission (docs/arrival.md, ADR 0011).

POST /api/v1/applications checks only what is cheap and must be answered at once —
authentication, the body's size and shape, the form version, the Idempotency-Key — then stores
the request exactly as received in one insert (madoguchi.applications.arrivals) and answers 202
with a 到達番号. A worker examines it later with `examine_api_signed`, which runs what the
synchronous path ran, in one transaction, and keeps the problem document it would have
answered. GET /api/v1/arrivals/{number} tells the portal where it stands.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from madoguchi.api import application_examples as ex
from madoguchi.api import application_serializers as s
from madoguchi.api import submission
from madoguchi.api.auth import (
    ApiKeyAuthentication,
    ClientRateThrottle,
    ClientUser,
    HasScope,
    credential_of,
)
from madoguchi.api.idempotency import fingerprint, idempotency_key
from madoguchi.api.keys import Credential
from madoguchi.api.models import ApiClient, Scope
from madoguchi.api.problems import PROBLEM_BASE, ApiProblem
from madoguchi.applications import arrivals
from madoguchi.applications import selectors as application_selectors
from madoguchi.applications import services as application_services
from madoguchi.applications.receipts import normalise
from madoguchi.applications.types import ArrivalState
from madoguchi.core.ttlcache import TtlCache

if TYPE_CHECKING:
    from madoguchi.applications.models import Application, Arrival
    from madoguchi.forms.models import FormVersion

KIND = "api.signed"
# The step-by-step draft the portal had the resident sign (POST /applications/{id}/submit).
DRAFT_KIND = "api.draft"
# What a portal is told to wait between two status reads while an arrival waits.
RETRY_AFTER_SECONDS = 1


def status_path(number: str) -> str:
    return f"/api/v1/arrivals/{number}"


def arrival_body(arrival: Arrival, *, test: bool) -> dict[str, Any]:
    """The status of an arrival: 202's body, and the body of GET on its status URL."""
    body: dict[str, Any] = {
        "arrival_number": arrival.number,
        "arrival_display": arrival.display,
        "arrived_at": arrival.arrived_at.isoformat(),
        "state": arrival.state,
        "status_url": status_path(arrival.number),
        "finished_at": arrival.finished_at.isoformat() if arrival.finished_at else None,
        "application": None,
        "problem": None,
    }
    if arrival.state == ArrivalState.RECEIVED and arrival.application is not None:
        body["application"] = s.application_body(arrival.application, test=test)
    elif arrival.state == ArrivalState.REFUSED:
        body["problem"] = problem_document(arrival)
    return body


def problem_document(arrival: Arrival) -> dict[str, Any]:
    """The RFC 9457 problem of a refused arrival (status URL and webhook alike)."""
    problem = dict(arrival.problem)
    # Refusals the queue itself gives (reception_failed) carry no type yet: the same form.
    problem.setdefault("type", PROBLEM_BASE + str(problem.get("code", "")).replace("_", "-"))
    return problem


def _etag(arrival: Arrival) -> str:
    seed = f"{arrival.number}:{arrival.state}:{arrival.finished_at}"
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


def _headers(arrival: Arrival) -> dict[str, str]:
    headers = {
        "Location": status_path(arrival.number),
        "ETag": _etag(arrival),
        "Cache-Control": "no-cache",
    }
    if arrival.state == ArrivalState.ARRIVED:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return headers


def arrive(request: Request, credential: Credential) -> Response:
    """The synchronous part of POST /api/v1/applications (the serializer already checked the
    body's shape; `form_version` was resolved). One insert; 202."""
    serializer = s.SignedApplicationSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    submission.public_funds_refuse(serializer.validated_data.get("answers") or {})
    form_version = submission.form_version_resolve(
        credential=credential,
        municipality_code=serializer.validated_data.get("municipality_code"),
        procedure_code=serializer.validated_data.get("procedure_code"),
        form_version_id=(
            str(serializer.validated_data["form_version_id"])
            if serializer.validated_data.get("form_version_id")
            else None
        ),
    )
    return _arrival_response(
        request,
        credential,
        kind=KIND,
        form_version=form_version,
        envelope=dict(request.data),
    )


def _arrival_response(
    request: Request,
    credential: Credential,
    *,
    kind: str,
    form_version: FormVersion,
    envelope: dict[str, Any],
    draft: Application | None = None,
) -> Response:
    """The one insert of an arrival and its 202, or the 202 of the arrival the client's
    Idempotency-Key named before (409 if that was another request)."""
    key = idempotency_key(request)
    request_fingerprint = fingerprint(request) if key is not None else ""
    try:
        arrival = arrivals.arrival_create(
            kind=kind,
            form_version=form_version,
            envelope=envelope,
            draft=draft,
            client_ref=credential.client_pk,
            mode=credential.mode,
            idempotency_key=key,
            fingerprint=request_fingerprint,
        )
    except arrivals.ArrivalKeyTaken as taken:
        existing = taken.existing
        if existing.fingerprint != request_fingerprint or existing.mode != credential.mode:
            raise ApiProblem(
                status_code=409,
                code="idempotency_key_reused",
                title=_("This Idempotency-Key was already used for a different request."),
                detail=_(
                    "Use a new key for a new request; resend a request only with its own key."
                ),
            ) from None
        return _accepted(existing, credential, replayed=True)
    return _accepted(arrival, credential)


def _accepted(arrival: Arrival, credential: Credential, *, replayed: bool = False) -> Response:
    headers = _headers(arrival)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(arrival_body(arrival, test=credential.is_test), status=202, headers=headers)


def arrive_draft(
    request: Request,
    credential: Credential,
    application: Application,
    *,
    signed_at: datetime.datetime,
    cms_der: bytes,
) -> Response:
    """The synchronous part of POST /applications/{id}/submit (the step-by-step draft, signed):
    what the portal must fix at once is answered at once (files not uploaded: 422); then one
    insert and 202, like the one-request submission. Submitting again while it waits, or once
    it was received, answers with that arrival (a retry never makes a second receipt)."""
    pending = arrivals.arrival_pending_for_draft(draft=application)
    if pending is not None:
        return _accepted(pending, credential, replayed=True)
    if application.receipt_number:
        latest = arrivals.arrival_latest_for_draft(draft=application)
        if latest is not None and latest.state == ArrivalState.RECEIVED:
            return _accepted(latest, credential, replayed=True)
        raise submission.problem_for(
            application_services.NotEditable(_("This application can no longer be submitted."))
        )
    missing = submission.missing_attachments(application)
    if missing:
        raise ApiProblem(
            status_code=422,
            code="attachments_missing",
            title=_("Some files have not been uploaded."),
            detail=_("Upload the files listed in errors, then try again."),
            errors=missing,
        )
    return _arrival_response(
        request,
        credential,
        kind=DRAFT_KIND,
        form_version=application.form_version,
        envelope={
            "signed_at": signed_at.isoformat(),
            "signature": base64.b64encode(cms_der).decode("ascii"),
        },
        draft=application,
    )


class ArrivalStatusView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    required_scope = Scope.APPLY

    @extend_schema(
        operation_id="arrivals_read",
        summary="到達した申請の状況 / Where an arrived application stands",
        description=ex.ARRIVAL_STATUS_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "arrival_number",
                str,
                OpenApiParameter.PATH,
                description="到達番号（12文字）/ arrival number (12 characters)",
            )
        ],
        responses={200: s.ArrivalSerializer, 304: None, 401: ex.PROBLEM, 404: ex.PROBLEM},
        examples=[ex.ARRIVAL_WAITING, ex.ARRIVAL_RECEIVED, ex.ARRIVAL_REFUSED],
        tags=["applications"],
    )
    def get(self, request: Request, arrival_number: str) -> Response:
        credential = credential_of(request)
        arrival = arrivals.arrival_for_client(
            client_ref=credential.client_pk, mode=credential.mode, number=normalise(arrival_number)
        )
        if arrival is None:
            raise ApiProblem(
                status_code=404,
                code="not_found",
                title=_("There is no arrival with this number for this API client."),
            )
        headers = _headers(arrival)
        if request.META.get("HTTP_IF_NONE_MATCH") == headers["ETag"]:
            return Response(status=304, headers=headers)
        return Response(arrival_body(arrival, test=credential.is_test), headers=headers)


# --- The worker's part -------------------------------------------------------------------------


# A worker examines many arrivals of few clients: their id (the actor's name in the history and
# the audit log) is remembered for a minute.
_client_ids: TtlCache[int, str] = TtlCache(ttl=60.0)


def client_cache_clear() -> None:
    _client_ids.clear()


def _credential(arrival: Arrival) -> Credential:
    assert arrival.client_ref is not None
    client_id = _client_ids.get(arrival.client_ref)
    if client_id is None:
        client_id = ApiClient.objects.values_list("client_id", flat=True).get(pk=arrival.client_ref)
        _client_ids.put(arrival.client_ref, client_id)
    return Credential(
        key_pk=0,
        client_pk=arrival.client_ref,
        client_id=client_id,
        mode=arrival.mode,
        scopes=frozenset({Scope.APPLY}),
        rate="",
        reception_municipality_codes=frozenset(),
    )


def _problem_document(problem: ApiProblem) -> dict[str, Any]:
    return {**problem.body, "code": problem.get_codes()}


def examine_api_signed(arrival: Arrival) -> arrivals.Examined:
    """受付 of an arrived one-request submission: everything POST /applications did before it
    answered 201, with the signing time judged against the time of arrival. A refusal keeps
    the problem document it answered then; a duplicate or a replay names the first receipt."""
    credential = _credential(arrival)
    actor = ClientUser(credential)
    serializer = s.SignedApplicationSerializer(data=arrival.envelope)
    try:
        serializer.is_valid(raise_exception=True)
    except serializers.ValidationError as error:  # checked at arrival: only if the rules changed
        return arrivals.Examined(
            problem={
                "status": 400,
                "code": "validation_error",
                "title": _("Your request has errors."),
                "errors": error.detail,
            }
        )
    data = serializer.validated_data
    signed = submission.SignedSubmission(
        form_version=arrival.form_version,
        answers=dict(data["answers"]),
        signed_at=data["signed_at"],
        cms_der=data["signature"],
        files={key: value["content_base64"] for key, value in data.get("files", {}).items()},
    )
    try:
        receivable = submission.application_prepare_signed(
            credential=credential, actor=actor, submission=signed, at=arrival.arrived_at
        )
        with transaction.atomic():  # a concurrent duplicate undoes the evidence row with it
            application = submission.application_receive_signed(
                credential=credential, actor=actor, submission=signed, receivable=receivable
            )
    except application_services.ApplicationError as error:
        return arrivals.Examined(
            application=getattr(error, "existing", None),
            problem=_problem_document(submission.problem_for(error)),
        )
    except ApiProblem as problem:
        first = (
            application_selectors.application_for_envelope(cms_der=signed.cms_der)
            if problem.get_codes() == "signature_replayed"
            else None
        )
        return arrivals.Examined(application=first, problem=_problem_document(problem))
    return arrivals.Examined(application=application)


def examine_api_draft(arrival: Arrival) -> arrivals.Examined:
    """受付 of a draft the portal submitted step by step: what POST …/submit did before it
    answered 200, with the signing time judged against the time of arrival."""
    credential = _credential(arrival)
    draft = arrival.draft
    assert draft is not None
    signed_at = datetime.datetime.fromisoformat(arrival.envelope["signed_at"])
    cms_der = base64.b64decode(arrival.envelope["signature"])
    try:
        if draft.receipt_number is None:
            submission.signed_at_check(signed_at, cms_der, arrival.arrived_at)
        application = application_services.application_submit(
            application=draft,
            actor=cast(Any, ClientUser(credential)),
            cms_der=cms_der,
            signed_at=signed_at,
        )
    except application_services.ApplicationError as error:
        return arrivals.Examined(
            application=getattr(error, "existing", None),
            problem=_problem_document(submission.problem_for(error)),
        )
    except ApiProblem as problem:
        first = (
            application_selectors.application_for_envelope(cms_der=cms_der)
            if problem.get_codes() == "signature_replayed"
            else None
        )
        return arrivals.Examined(application=first, problem=_problem_document(problem))
    return arrivals.Examined(application=application)
