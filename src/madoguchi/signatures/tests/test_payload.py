"""The canonical signing payload (docs/signing.md)."""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from typing import Any

import pytest

from madoguchi.signatures.payload import PayloadError, signing_payload

JST = datetime.timezone(datetime.timedelta(hours=9))


def payload(**overrides: Any) -> bytes:
    facts: dict[str, Any] = {
        "procedure_code": "disaster-certificate",
        "municipality_code": "131016",
        "form_version_hash": "sha256:" + "ab" * 32,
        "answers": {"name": "𠮷田　太郎", "damage": "床上浸水", "household_size": 4},
        "attachments": [{"name": "写真.jpg", "sha256": "0" * 64}],
        "signed_at": datetime.datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=JST),
    }
    facts.update(overrides)
    return signing_payload(**facts)


def test_worked_example_of_docs_signing_md():
    """Keep in step with the worked example in docs/signing.md."""
    result = signing_payload(
        procedure_code="disaster-certificate",
        municipality_code="131016",
        form_version_hash="sha256:5d41402abc4b2a76b9719d911017c592",
        answers={
            "applicant": {"name": "𠮷田　太郎", "birth_date": "1985-04-12"},
            "damage": "床上浸水",
            "household_size": 4,
            "agree": True,
        },
        attachments=[
            {"name": "罹災写真2.jpg", "sha256": "b" * 64},
            {"name": "Photo.jpg", "sha256": "a" * 64},
        ],
        signed_at=datetime.datetime(2026, 4, 1, 9, 30, 15, 500000, tzinfo=JST),
    )
    expected = (
        '{"answers":{"agree":true,"applicant":{"birth_date":"1985-04-12","name":"𠮷田　太郎"},'
        '"damage":"床上浸水","household_size":4},"attachments":[{"name":"Photo.jpg","sha256":"'
        + "a" * 64
        + '"},{"name":"罹災写真2.jpg","sha256":"'
        + "b" * 64
        + '"}],'
        '"form_version_hash":"sha256:5d41402abc4b2a76b9719d911017c592",'
        '"format":"madoguchi-signing-payload/1","municipality_code":"131016",'
        '"procedure_code":"disaster-certificate","signed_at":"2026-04-01T00:30:15Z"}'
    ).encode()
    assert result == expected
    assert len(result) == 558
    assert hashlib.sha256(result).hexdigest() == (
        "62cbda38c580ed2922cb49839f19b5f97ac00e88a9acc6c4770ab6546b6e5a42"
    )


def test_keys_sorted_and_no_whitespace():
    text = payload().decode()
    assert text.startswith(
        '{"answers":{"damage":"床上浸水","household_size":4,"name":"𠮷田　太郎"}'
    )
    assert " " not in text.replace("\u3000", "")


def test_unicode_is_kept_exactly_no_normalisation():
    ivs = "葛\U000e0100城"  # 葛󠄀城 with an ideographic variation selector
    decomposed = unicodedata.normalize("NFD", "ガ")
    data = payload(answers={"a": ivs, "b": "髙﨑", "c": decomposed}).decode("utf-8")
    assert ivs in data and "髙﨑" in data and decomposed in data
    assert unicodedata.normalize("NFC", decomposed) not in data


def test_attachments_sorted_by_utf8_name_then_digest():
    data = payload(
        attachments=[
            {"name": "𠮷.pdf", "sha256": "1" * 64},
            {"name": "ｚ.pdf", "sha256": "2" * 64},
            {"name": "a.pdf", "sha256": "4" * 64},
            {"name": "a.pdf", "sha256": "3" * 64},
        ]
    ).decode()
    order = [data.index(x * 64) for x in "3421"]
    assert order == sorted(order)  # a.pdf(3), a.pdf(4), ｚ (U+FF5A), 𠮷 (U+20BB7)


def test_time_is_utc_whole_seconds():
    assert b'"signed_at":"2026-04-01T00:30:15Z"' in payload()
    with pytest.raises(PayloadError):
        payload(signed_at=datetime.datetime(2026, 4, 1, 9, 30))


@pytest.mark.parametrize(
    "overrides",
    [
        {"municipality_code": "13101"},
        {"procedure_code": ""},
        {"attachments": [{"name": "a", "sha256": "A" * 64}]},
        {"attachments": [{"name": "a"}]},
        {"answers": {"when": datetime.date(2026, 4, 1)}},
        {"answers": {"big": 2**60}},
        {"answers": ["not", "an", "object"]},
    ],
)
def test_facts_that_cannot_form_a_payload_are_refused(overrides):
    with pytest.raises(PayloadError):
        payload(**overrides)
