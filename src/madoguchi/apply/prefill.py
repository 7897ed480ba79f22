"""Answers prefilled from the claims of the resident's login (name, reading, birth date,
address), for the items a form has. Values stay editable: they are raw answers like any other.

The signer's items are prefilled exactly as the identity provider gave them, so an honest
resident's answers match their card's 基本4情報 and never meet the signer-mismatch refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from madoguchi.forms.language import Definition, item_index
from madoguchi.signin.claims import ResidentClaims


def _name(claims: ResidentClaims) -> Any:
    if not (claims.family_name or claims.given_name):
        return None
    return {"family": claims.family_name, "given": claims.given_name}


def _kana(claims: ResidentClaims) -> Any:
    if not (claims.family_name_kana or claims.given_name_kana):
        return None
    return {"family": claims.family_name_kana, "given": claims.given_name_kana}


def _birth_date(claims: ResidentClaims) -> Any:
    return claims.birthdate.isoformat() if claims.birthdate else None


def _address(claims: ResidentClaims) -> Any:
    if not claims.address:
        return None
    code = claims.postal_code
    postal = f"{code[:3]}-{code[3:]}" if len(code) == 7 else code
    return {"postal_code": postal, "address": claims.address}


# Standard item code → (expected field type, claim reader). Standard codes are kept through
# every municipal customisation, so matching on them finds the applicant's items in any form.
PREFILL: dict[str, tuple[str, Callable[[ResidentClaims], Any]]] = {
    "applicant.name": ("name", _name),
    "applicant.name_kana": ("furigana", _kana),
    "applicant.birth_date": ("date", _birth_date),
    "applicant.address": ("address", _address),
    # 介護 forms: the insured person is most often the signed-in resident; a proxy (submitter)
    # overwrites these and is the signed-in resident themself.
    "insured.name": ("name", _name),
    "insured.name_kana": ("furigana", _kana),
    "insured.birth_date": ("date", _birth_date),
    "insured.address": ("address", _address),
    "submitter.name": ("name", _name),
    # A declared proxy (forms/presets/_blocks/proxy.json) signs: they are the signed-in person.
    "proxy.name": ("name", _name),
    "proxy.address": ("address", _address),
}


def prefill_answers(*, definition: Definition, claims: ResidentClaims | None) -> dict[str, Any]:
    if claims is None:
        return {}
    index = item_index(definition)
    answers: dict[str, Any] = {}
    for code, (field_type, read) in PREFILL.items():
        item = index.get(code)
        if item is None or item["type"] != field_type:
            continue
        value = read(claims)
        if value is not None:
            answers[code] = value
    return answers
