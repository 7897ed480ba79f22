"""The hub: per-agency codes, signed requests and answers, the access list, replays, holders
that fail, and the records of both sides."""

from __future__ import annotations

import logging

import pytest

from madoguchi.linkage import hub as hub_module
from madoguchi.linkage import jose
from madoguchi.linkage.models import Agency, ExchangeRecord, PersonCode
from madoguchi.linkage.selectors import exchanges_for_subject
from madoguchi.linkage.testing import HolderServer
from madoguchi.linkage.types import (
    AccessDenied,
    HolderUnavailable,
    Outcome,
    ReplayedRequest,
    SignatureRejected,
    UnknownPerson,
)
from madoguchi.signatures.testing import demo_resident

pytestmark = pytest.mark.django_db

KODOMO = "131016-kodomo"
BOUSAI = "131016-bousai"


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def test_two_agencies_hold_different_codes_that_only_the_hub_links(hub):
    taro = demo_resident("yoshida-taro")
    kodomo = hub_module.code_for(agency=_agency(KODOMO), subject=taro.subject)
    bousai = hub_module.code_for(agency=_agency(BOUSAI), subject=taro.subject)
    assert kodomo != bousai
    # Stable per agency, and 256 random bits: nothing about one code is in the other.
    assert hub_module.code_for(agency=_agency(KODOMO), subject=taro.subject) == kodomo
    assert len(kodomo) >= 43 and str(taro.subject) not in kodomo
    assert str(taro.subject).replace("-", "") not in kodomo + bousai
    # Another resident's code at the same agency differs.
    hanako = demo_resident("yoshida-hanako")
    assert hub_module.code_for(agency=_agency(KODOMO), subject=hanako.subject) != kodomo


def test_exchange_gives_the_values_and_records_both_sides(hub):
    taro = demo_resident("yoshida-taro")
    fetched = hub_module.exchange(
        requester=_agency(KODOMO),
        holder=_agency("131016-tax"),
        subject=taro.subject,
        items=["tax.income", "tax.taxable"],
        jimu="child-allowance",
        initiated_by="resident",
    )
    assert fetched.values["tax.taxable"] == "yes"
    assert isinstance(fetched.values["tax.income"], int)
    records = list(ExchangeRecord.objects.filter(exchange_id=fetched.exchange_id))
    assert {r.side for r in records} == {"requester", "holder"}
    requester_side = next(r for r in records if r.side == "requester")
    holder_side = next(r for r in records if r.side == "holder")
    # Each side records the person by its own code, never the other's.
    assert (
        requester_side.person_code
        == PersonCode.objects.get(agency_id=KODOMO, subject=taro.subject).code
    )
    assert (
        holder_side.person_code
        == PersonCode.objects.get(agency_id="131016-tax", subject=taro.subject).code
    )
    assert requester_side.person_code != holder_side.person_code
    assert {r.outcome for r in records} == {Outcome.PROVIDED}
    assert hub_module.chain_verify(agency_code=KODOMO) is None
    history = exchanges_for_subject(subject=taro.subject)
    assert [row.exchange_id for row in history] == [fetched.exchange_id]


def test_access_list_refuses_items_outside_the_rule_and_records_it(hub):
    taro = demo_resident("yoshida-taro")
    # 防災課 (罹災証明書) may not ask for income.
    with pytest.raises(AccessDenied):
        hub_module.exchange(
            requester=_agency(BOUSAI),
            holder=_agency("131016-tax"),
            subject=taro.subject,
            items=["tax.income"],
            jimu="disaster-certificate",
            initiated_by="resident",
        )
    # Nor for a 事務 it does not serve.
    with pytest.raises(AccessDenied):
        hub_module.exchange(
            requester=_agency(BOUSAI),
            holder=_agency("131016-jumin"),
            subject=taro.subject,
            items=["jumin.name"],
            jimu="child-allowance",
            initiated_by="resident",
        )
    denied = ExchangeRecord.objects.filter(outcome=Outcome.DENIED)
    assert denied.count() == 2
    # The holder was never asked: only the requester's side is recorded.
    assert set(denied.values_list("side", flat=True)) == {"requester"}
    rows = exchanges_for_subject(subject=taro.subject, outcome=Outcome.DENIED)
    assert len(rows) == 2


def test_replayed_request_is_refused(hub):
    taro = demo_resident("yoshida-taro")
    requester, holder = _agency(KODOMO), _agency("131016-jumin")
    code = hub_module.code_for(agency=requester, subject=taro.subject)
    request = hub_module.request_sign(
        requester=requester,
        person_code=code,
        holder=holder,
        items=["jumin.name"],
        jimu="child-allowance",
    )
    hub_module.hub_handle(request=request)
    with pytest.raises(ReplayedRequest):
        hub_module.hub_handle(request=request)


def test_request_signed_with_another_key_is_refused(hub):
    taro = demo_resident("yoshida-taro")
    requester, holder = _agency(KODOMO), _agency("131016-jumin")
    code = hub_module.code_for(agency=requester, subject=taro.subject)
    _public, stranger = jose.key_generate()
    forged = jose.sign(
        claims={
            "aud": "hub",
            "sub": code,
            "holder": holder.code,
            "items": ["jumin.name"],
            "jimu": "child-allowance",
        },
        private_jwk=stranger,
        issuer=requester.code,
    )
    with pytest.raises(SignatureRejected):
        hub_module.hub_handle(request=forged)


def test_hub_answer_altered_on_the_way_is_refused_by_the_requester(hub):
    taro = demo_resident("yoshida-taro")
    requester, holder = _agency(KODOMO), _agency("131016-jumin")
    code = hub_module.code_for(agency=requester, subject=taro.subject)
    request = hub_module.request_sign(
        requester=requester,
        person_code=code,
        holder=holder,
        items=["jumin.name"],
        jimu="child-allowance",
    )
    answer = hub_module.hub_handle(request=request)
    header, payload, signature = answer.split(".")
    tampered = f"{header}.{payload[:-4]}AAAA.{signature}"
    with pytest.raises(SignatureRejected):
        hub_module.response_verify(requester=requester, request=request, response=tampered)


@pytest.fixture
def http_holder(hub):
    """The 地方税 holder moved to a real local HTTP server with its own key."""
    tax = _agency("131016-tax")
    server = HolderServer(code=tax.code, hub_public_jwk=_agency("hub").public_jwk)
    taro = demo_resident("yoshida-taro")
    server.records[hub_module.code_for(agency=tax, subject=taro.subject)] = {
        "tax.taxable": "yes",
        "tax.income": 5100000,
    }
    with server.running():
        tax.endpoint = server.url
        tax.public_jwk = server.public_jwk
        tax.private_jwk = None
        tax.timeout_seconds = 0.5
        tax.save()
        yield server


def _ask_tax(initiated_by: str = "resident"):
    return hub_module.exchange(
        requester=_agency(KODOMO),
        holder=_agency("131016-tax"),
        subject=demo_resident("yoshida-taro").subject,
        items=["tax.income", "tax.taxable"],
        jimu="child-allowance",
        initiated_by=initiated_by,
    )


def test_http_holder_answers_over_http(http_holder):
    fetched = _ask_tax()
    assert fetched.values == {"tax.taxable": "yes", "tax.income": 5100000}
    assert len(http_holder.received) == 1
    # What went over the wire is the holder's own code only.
    claims = jose.verify(
        token=http_holder.received[0],
        public_jwk=_agency("hub").public_jwk,
        issuer="hub",
        audience="131016-tax",
    )
    assert claims["sub"] in http_holder.records


def test_tampered_holder_answer_is_refused_and_recorded(http_holder):
    http_holder.mode = "tamper"
    with pytest.raises(SignatureRejected) as caught:
        _ask_tax()
    records = ExchangeRecord.objects.filter(exchange_id=caught.value.exchange_id)
    assert {r.outcome for r in records} == {Outcome.REJECTED}
    assert records.count() == 2


@pytest.mark.parametrize("mode", ["slow", "error"])
def test_slow_or_failing_holder_is_unavailable(http_holder, mode):
    http_holder.mode = mode
    with pytest.raises(HolderUnavailable):
        _ask_tax()
    assert ExchangeRecord.objects.filter(outcome=Outcome.UNAVAILABLE, side="requester").count() == 1


def test_holder_that_is_down_is_unavailable(hub):
    tax = _agency("131016-tax")
    tax.endpoint = "http://127.0.0.1:9/exchange"  # discard port: nothing listens
    tax.save()
    with pytest.raises(HolderUnavailable):
        _ask_tax()


def test_unknown_person_at_the_holder(http_holder):
    http_holder.records.clear()
    with pytest.raises(UnknownPerson):
        _ask_tax()


def test_chain_reports_an_altered_record(hub):
    _ask_tax()
    _ask_tax()
    record = ExchangeRecord.objects.filter(agency_id=KODOMO).order_by("pk").first()
    assert record is not None
    # Change a row behind the model's back, as an attacker with database access would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE linkage_exchangerecord SET outcome = %s WHERE id = %s",
            ["denied", record.pk],
        )
    broken = hub_module.chain_verify(agency_code=KODOMO)
    assert broken is not None and broken.pk == record.pk


def test_no_my_number_in_any_message_record_or_log(hub, caplog):
    from madoguchi.signatures.testing import demo_resident as resident_of

    taro = resident_of("yoshida-taro")
    caplog.set_level(logging.DEBUG)
    fetched = _ask_tax()
    # The registry's subject (the only link the hub keeps) is in no record either.
    for record in ExchangeRecord.objects.filter(exchange_id=fetched.exchange_id):
        body = hub_module.record_body(record).decode()
        assert str(taro.subject) not in body
    assert str(taro.subject) not in caplog.text


def test_expired_answer_is_refused(hub, monkeypatch):
    taro = demo_resident("yoshida-taro")
    requester, holder = _agency(KODOMO), _agency("131016-jumin")
    code = hub_module.code_for(agency=requester, subject=taro.subject)
    request = hub_module.request_sign(
        requester=requester,
        person_code=code,
        holder=holder,
        items=["jumin.name"],
        jimu="child-allowance",
    )
    answer = hub_module.hub_handle(request=request)
    # Read ten minutes later: past the answer's 120 s lifetime.
    import time

    later = time.time() + 600
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(SignatureRejected):
        hub_module.response_verify(requester=requester, request=request, response=answer)


def test_verify_command_reports_intact_and_altered_chains(hub):
    from django.core.management import CommandError, call_command
    from django.db import connection

    _ask_tax()
    call_command("linkage_verify_records")
    record = ExchangeRecord.objects.filter(agency_id="131016-tax").get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE linkage_exchangerecord SET items = %s WHERE id = %s",
            ['["tax.taxable"]', record.pk],
        )
    with pytest.raises(CommandError, match="131016-tax"):
        call_command("linkage_verify_records")
