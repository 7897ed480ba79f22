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

Why the proxy may apply (`Parties.basis`: a parent of a minor child, a 委任状, a care manager
with their office) is decided and checked against the resident registry in
applications/proxies.py (issue 17, docs/proxies.md).
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
    # A care manager's office (居宅介護支援事業所): name and 介護保険事業所番号.
    office_name: str = ""
    office_number: str = ""

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
    basis: str = ""  # applications.types.ProxyBasis of a proxy, "" otherwise

    @property
    def basis_label(self) -> str:
        """Why the proxy may apply, in words ("" when not a proxy)."""
        from madoguchi.applications.types import ProxyBasis

        return str(ProxyBasis(self.basis).label) if self.basis in ProxyBasis.values else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "signer": asdict(self.signer),
            "subject": asdict(self.subject),
            "is_proxy": self.is_proxy,
            "basis": self.basis,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Parties | None:
        if not data or "signer" not in data:
            return None
        return cls(
            signer=Party(**data["signer"]),
            subject=Party(**data["subject"]),
            is_proxy=bool(data.get("is_proxy")),
            basis=str(data.get("basis") or ""),
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


def _party(
    answers: Mapping[str, Any],
    prefix: str,
    relationship: str = "",
    office_name: str = "",
) -> Party | None:
    name = _name(answers.get(f"{prefix}.name"))
    if not name:
        return None
    return Party(
        name=name,
        birth_date=_date(answers.get(f"{prefix}.birth_date")),
        address=_address(answers.get(f"{prefix}.address")),
        relationship=relationship,
        source=prefix,
        office_name=office_name,
        office_number=str(answers.get(f"{prefix}.office_number") or ""),
    )


# How the declaring item's answer names the proxy's basis (applications.types.ProxyBasis).
PROXY_KINDS = {"parent": "parent", "care_manager": "care_manager", "delegate": "power_of_attorney"}
SUBMITTER_KINDS = {
    "agency": "care_manager",
    "family": "power_of_attorney",
    "other": "power_of_attorney",
}


def parties_from_answers(answers: Mapping[str, Any]) -> Parties | None:
    """The parties of normalised answers; None when the answers name nobody (a form without
    the standard 申請者 or 被保険者 items — then no binding to the certificate is possible)."""
    insured = _party(answers, "insured")
    if insured is not None:
        kind = answers.get("submitter.kind")
        if kind in (None, "", "self"):
            return Parties(signer=insured, subject=insured, is_proxy=False)
        relationship = str(answers.get("submitter.relationship") or kind)
        basis = SUBMITTER_KINDS.get(str(kind), "")
        submitter = _party(
            answers,
            "submitter",
            relationship,
            # For a care manager the item holds the office's name (本人との関係または事業所名).
            office_name=relationship if basis == "care_manager" else "",
        )
        if submitter is None:
            return Parties(signer=insured, subject=insured, is_proxy=False)
        return Parties(signer=submitter, subject=insured, is_proxy=True, basis=basis)
    applicant = _party(answers, "applicant")
    if applicant is None:
        return None
    # A draft's raw answers may still hold a proxy's name after "self" was chosen again (the
    # validator drops hidden items; what was typed is kept).
    if answers.get("proxy.is_proxy") not in (None, "proxy"):
        return Parties(signer=applicant, subject=applicant, is_proxy=False)
    proxy = _party(
        answers,
        "proxy",
        str(answers.get("proxy.relationship") or ""),
        office_name=str(answers.get("proxy.office_name") or ""),
    )
    if proxy is not None:
        basis = PROXY_KINDS.get(str(answers.get("proxy.kind") or ""), "")
        return Parties(signer=proxy, subject=applicant, is_proxy=True, basis=basis)
    return Parties(signer=applicant, subject=applicant, is_proxy=False)
