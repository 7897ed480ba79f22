"""The hub (情報提供ネットワーク): per-agency codes, the access list, signed exchanges and the
情報提供等記録 of both sides.

One exchange, end to end (docs/linkage.md has the picture):

1. the requester signs `{aud: hub, sub: <its code for the person>, holder, items, jimu}`;
2. the hub checks the signature, the request id (a replay is refused), the access list, then
   maps the requester's code to the holder's code — the only place that can;
3. the hub signs `{aud: <holder>, sub: <holder's code>, items, jimu}` for the holder; the
   holder answers signed with its own key; the hub checks that signature;
4. both sides' records are written (hash-chained per agency), and the hub answers the requester
   signed, with the requester's code. No message carries the 個人番号 or the registry subject.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import jose
from .catalogue import ITEMS
from .holders import HUB, adapter_for
from .models import AccessRule, Agency, ExchangeRecord, PersonCode, SeenRequest
from .types import (
    AccessDenied,
    Fetched,
    HolderUnavailable,
    LinkageError,
    Outcome,
    ReplayedRequest,
    Side,
    SignatureRejected,
    UnknownPerson,
)

GENESIS = "0" * 64


def code_for(*, agency: Agency, subject: uuid.UUID | str) -> str:
    """The agency's code for the person (符号), issued on first use: 256 random bits, so no
    agency can compute another's from its own. Only the hub reads the table that links them."""
    value = subject if isinstance(subject, uuid.UUID) else uuid.UUID(str(subject))
    existing = PersonCode.objects.filter(agency=agency, subject=value).first()
    if existing is not None:
        return existing.code
    try:
        with transaction.atomic():
            return PersonCode.objects.create(
                agency=agency, subject=value, code=secrets.token_urlsafe(32)
            ).code
    except IntegrityError:
        return PersonCode.objects.get(agency=agency, subject=value).code


def _subject_for(*, agency: Agency, code: str) -> uuid.UUID | None:
    row = PersonCode.objects.filter(agency=agency, code=code).first()
    return row.subject if row is not None else None


# --- records --------------------------------------------------------------------------------


def record_body(record: ExchangeRecord) -> bytes:
    body = {
        "exchange_id": str(record.exchange_id),
        "side": record.side,
        "agency": record.agency_id,
        "counterpart": record.counterpart_id,
        "person_code": record.person_code,
        "jimu": record.jimu,
        "items": list(record.items),
        "outcome": record.outcome,
        "initiated_by": record.initiated_by,
        "request_jti": record.request_jti,
        "request_sha256": record.request_sha256,
        "response_sha256": record.response_sha256,
        "at": record.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + body).hexdigest()


@dataclass
class _Party:
    agency: Agency
    counterpart: Agency
    side: str
    person_code: str


def _write_records(
    parties: list[_Party],
    *,
    exchange_id: uuid.UUID,
    jimu: str,
    items: list[str],
    outcome: str,
    initiated_by: str,
    request_jti: str,
    request_sha256: str,
    response_sha256: str,
) -> None:
    at = timezone.now()
    with transaction.atomic():
        for party in sorted(parties, key=lambda p: p.agency.code):
            # One writer per agency chain at a time (PostgreSQL row lock; SQLite's IMMEDIATE
            # transactions already serialise writers).
            Agency.objects.select_for_update().filter(pk=party.agency.pk).first()
            # Insertion order (the primary key, assigned under the lock) is the chain's order.
            last = ExchangeRecord.objects.filter(agency=party.agency).order_by("-pk").first()
            record = ExchangeRecord(
                exchange_id=exchange_id,
                side=party.side,
                agency=party.agency,
                counterpart=party.counterpart,
                person_code=party.person_code,
                jimu=jimu,
                items=items,
                outcome=outcome,
                initiated_by=initiated_by,
                request_jti=request_jti,
                request_sha256=request_sha256,
                response_sha256=response_sha256,
                at=at,
                prev_hash=last.hash if last is not None else GENESIS,
            )
            record.hash = link_hash(record.prev_hash, record_body(record))
            record.save()


def chain_verify(*, agency_code: str) -> ExchangeRecord | None:
    """The first record of the agency's chain that is altered or follows a removed one."""
    prev = GENESIS
    for record in ExchangeRecord.objects.filter(agency_id=agency_code).order_by("pk"):
        if record.prev_hash != prev or record.hash != link_hash(prev, record_body(record)):
            return record
        prev = record.hash
    return None


# --- the exchange ---------------------------------------------------------------------------


def _hub() -> Agency:
    return Agency.objects.get(code=HUB)


def request_sign(
    *, requester: Agency, person_code: str, holder: Agency, items: list[str], jimu: str
) -> str:
    """The requester's side: its signed request (its private key never leaves this call)."""
    assert requester.private_jwk is not None
    return jose.sign(
        claims={
            "aud": HUB,
            "sub": person_code,
            "holder": holder.code,
            "items": list(items),
            "jimu": jimu,
        },
        private_jwk=requester.private_jwk,
        issuer=requester.code,
    )


def hub_handle(*, request: str, initiated_by: str = "") -> str:
    """The hub's side: check, map, ask the holder, record, answer (signed for the requester).

    Raises LinkageError subclasses (each already recorded where a requester is known)."""
    hub = _hub()
    try:
        requester = Agency.objects.get(code=jose.unverified_issuer(request))
        claims = jose.verify(
            token=request, public_jwk=requester.public_jwk, issuer=requester.code, audience=HUB
        )
    except (Agency.DoesNotExist, jose.BadSignature) as error:
        raise SignatureRejected(_("The request's signature was refused.")) from error
    jti = str(claims["jti"])
    exchange_id = uuid.uuid4()
    items = [str(i) for i in claims.get("items", [])]
    jimu = str(claims.get("jimu", ""))
    person_code = str(claims.get("sub", ""))
    holder = Agency.objects.filter(code=str(claims.get("holder", ""))).first()
    request_sha = jose.digest(request)

    def record(outcome: str, *, holder_code: str = "", response: str = "") -> None:
        parties = [_Party(requester, holder or hub, Side.REQUESTER, person_code)]
        if holder is not None and holder_code:
            parties.append(_Party(holder, requester, Side.HOLDER, holder_code))
        _write_records(
            parties,
            exchange_id=exchange_id,
            jimu=jimu,
            items=items,
            outcome=outcome,
            initiated_by=initiated_by,
            request_jti=jti,
            request_sha256=request_sha,
            response_sha256=jose.digest(response) if response else "",
        )

    try:
        with transaction.atomic():
            SeenRequest.objects.create(jti=jti, requester=requester.code)
    except IntegrityError as error:
        raise ReplayedRequest(_("This request was already answered.")) from error

    rule = (
        AccessRule.objects.filter(requester=requester, holder=holder, jimu=jimu).first()
        if holder is not None
        else None
    )
    if rule is None or not items or not set(items) <= set(rule.items):
        record(Outcome.DENIED)
        raise AccessDenied(
            _("The access list does not allow this request."), exchange_id=str(exchange_id)
        )
    subject = _subject_for(agency=requester, code=person_code)
    if subject is None:
        record(Outcome.UNKNOWN_PERSON)
        raise UnknownPerson(_("The person is not known."), exchange_id=str(exchange_id))
    assert holder is not None
    holder_code = code_for(agency=holder, subject=subject)
    assert hub.private_jwk is not None
    to_holder = jose.sign(
        claims={
            "aud": holder.code,
            "sub": holder_code,
            "items": items,
            "jimu": jimu,
            "requester": requester.code,
        },
        private_jwk=hub.private_jwk,
        issuer=HUB,
    )
    hub_jti = jose_jti(to_holder)
    category = ITEMS[items[0]].category
    try:
        answer = adapter_for(holder, category).answer(
            agency=holder, hub_public_jwk=hub.public_jwk, request=to_holder
        )
    except HolderUnavailable as error:
        record(Outcome.UNAVAILABLE, holder_code=holder_code)
        error.exchange_id = str(exchange_id)
        raise
    try:
        reply = jose.verify(
            token=answer, public_jwk=holder.public_jwk, issuer=holder.code, audience=HUB
        )
        if reply.get("in_reply_to") != hub_jti or reply.get("sub") != holder_code:
            raise jose.BadSignature("reply does not answer this request")
    except jose.BadSignature as error:
        record(Outcome.REJECTED, holder_code=holder_code, response=answer)
        raise SignatureRejected(
            _("%(holder)s's answer failed the signature check and was refused.")
            % {"holder": holder.name},
            exchange_id=str(exchange_id),
        ) from error
    if reply.get("status") != "ok":
        record(Outcome.UNKNOWN_PERSON, holder_code=holder_code, response=answer)
        raise UnknownPerson(
            _("%(holder)s has no record of you.") % {"holder": holder.name},
            exchange_id=str(exchange_id),
        )
    values = {k: v for k, v in dict(reply.get("values") or {}).items() if k in items}
    response = jose.sign(
        claims={
            "aud": requester.code,
            "sub": person_code,
            "in_reply_to": jti,
            "exchange_id": str(exchange_id),
            "holder": holder.code,
            "values": values,
        },
        private_jwk=hub.private_jwk,
        issuer=HUB,
    )
    record(Outcome.PROVIDED, holder_code=holder_code, response=response)
    return response


def jose_jti(token: str) -> str:
    import base64

    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["jti"])


def response_verify(*, requester: Agency, request: str, response: str) -> Fetched:
    """The requester's side: check the hub's signed answer belongs to its request."""
    hub = _hub()
    try:
        claims = jose.verify(
            token=response, public_jwk=hub.public_jwk, issuer=HUB, audience=requester.code
        )
        if claims.get("in_reply_to") != jose_jti(request):
            raise jose.BadSignature("answer to another request")
    except jose.BadSignature as error:
        raise SignatureRejected(_("The hub's answer failed the signature check.")) from error
    holder = Agency.objects.get(code=claims["holder"])
    return Fetched(
        exchange_id=str(claims["exchange_id"]),
        holder_code=holder.code,
        holder_name=holder.name,
        values=dict(claims.get("values") or {}),
    )


def exchange(
    *,
    requester: Agency,
    holder: Agency,
    subject: uuid.UUID | str,
    items: list[str],
    jimu: str,
    initiated_by: str,
) -> Fetched:
    """One exchange on behalf of a requester run by this platform: its code for the person
    (符号取得), its signed request, the hub, the check of the hub's answer."""
    person_code = code_for(agency=requester, subject=subject)
    request = request_sign(
        requester=requester, person_code=person_code, holder=holder, items=items, jimu=jimu
    )
    response = hub_handle(request=request, initiated_by=initiated_by)
    return response_verify(requester=requester, request=request, response=response)


__all__ = ["LinkageError", "chain_verify", "code_for", "exchange", "hub_handle"]
