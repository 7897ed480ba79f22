"""Who an application is by and for: the signer and the person concerned (対象者).

One model for every form: `Parties.signer` is the person who signs (the applicant, or their
proxy 代理人) and must be the holder of the signing certificate; `Parties.subject` is the person
the application concerns. They are the same person unless the answers declare a proxy. Read
from the standard item codes, which every municipal customisation keeps:

- forms with the 被保険者 block (介護): subject = `insured.*`; the signer is the insured person
  when `submitter.kind` is absent or "self", else the submitter (`submitter.name`,
  `submitter.relationship`) — a proxy;
- forms with the 申請者 block: subject = `applicant.*`; a proxy is declared with the `proxy.*`
  items (`proxy.name`, and optionally `proxy.birth_date`, `proxy.address`,
  `proxy.relationship`; forms/presets/_blocks/proxy.json), and is then the signer; otherwise
  the applicant signs.

Issue 17 (proxy applications: 委任状, care managers, the person concerned's My page) extends this
model, not a second one.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from madoguchi.signatures.holder import PersonFacts


@dataclass(frozen=True)
class Party:
    name: str  # "family　given", exactly as answered
    birth_date: str = ""  # ISO 8601, "" when the form does not ask
    address: str = ""
    relationship: str = ""  # the signer's relationship to the subject (proxies)
    source: str = ""  # the block it was read from: applicant, proxy, insured, submitter

    def facts(self) -> PersonFacts:
        return PersonFacts(
            name=self.name,
            birth_date=datetime.date.fromisoformat(self.birth_date) if self.birth_date else None,
            address=self.address,
        )


@dataclass(frozen=True)
class Parties:
    signer: Party
    subject: Party
    is_proxy: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "signer": asdict(self.signer),
            "subject": asdict(self.subject),
            "is_proxy": self.is_proxy,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Parties | None:
        if not data or "signer" not in data:
            return None
        return cls(
            signer=Party(**data["signer"]),
            subject=Party(**data["subject"]),
            is_proxy=bool(data.get("is_proxy")),
        )


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        return f"{value.get('family', '')}\u3000{value.get('given', '')}".strip("\u3000")
    return value if isinstance(value, str) else ""


def _address(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("address") or "")
    return value if isinstance(value, str) else ""


def _date(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _party(answers: Mapping[str, Any], prefix: str, relationship: str = "") -> Party | None:
    name = _name(answers.get(f"{prefix}.name"))
    if not name:
        return None
    return Party(
        name=name,
        birth_date=_date(answers.get(f"{prefix}.birth_date")),
        address=_address(answers.get(f"{prefix}.address")),
        relationship=relationship,
        source=prefix,
    )


def parties_from_answers(answers: Mapping[str, Any]) -> Parties | None:
    """The parties of normalised answers; None when the answers name nobody (a form without
    the standard 申請者 or 被保険者 items — then no binding to the certificate is possible)."""
    insured = _party(answers, "insured")
    if insured is not None:
        kind = answers.get("submitter.kind")
        if kind in (None, "", "self"):
            return Parties(signer=insured, subject=insured, is_proxy=False)
        relationship = str(answers.get("submitter.relationship") or kind)
        submitter = _party(answers, "submitter", relationship)
        if submitter is None:
            return Parties(signer=insured, subject=insured, is_proxy=False)
        return Parties(signer=submitter, subject=insured, is_proxy=True)
    applicant = _party(answers, "applicant")
    if applicant is None:
        return None
    proxy = _party(answers, "proxy", str(answers.get("proxy.relationship") or ""))
    if proxy is not None:
        return Parties(signer=proxy, subject=applicant, is_proxy=True)
    return Parties(signer=applicant, subject=applicant, is_proxy=False)
