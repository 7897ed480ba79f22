"""May this proxy (代理人) apply for the person concerned (対象者), and who is that person in the
resident registry? (issue 17, docs/proxies.md)

The form declares the proxy and why (applications/parties.py reads it; `Parties.basis`):

- **parent** (親権者): allowed without more when the registry shows the person concerned as a
  minor child in the signer's own household — recorded by the resident registry (a declared
  household proves nothing), the child's relationship to the householder 子, and the signer the
  householder or the householder's spouse (妻／夫). Anything else is refused at the item that
  declared it, naming the way out (a 委任状);
- **power of attorney** (委任状): a file answer holding the 委任状 — the form requires it; the
  check here also holds for the API, which fills no form pages;
- **care manager** (介護支援専門員): the office's name and 介護保険事業所番号 — required by the
  form, checked here as well.

The signer is always the holder of the signing certificate (signatures.holder binds them); the
person concerned is found in the registry by name (as written) and date of birth among the
signer's household (parent) or the municipality's residents (others), and is remembered on the
application so that their own My page lists it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.accounts import selectors as account_selectors
from madoguchi.applications.parties import Parties, Party, parties_from_answers
from madoguchi.applications.types import ProxyBasis
from madoguchi.forms.validation import FieldError
from madoguchi.signatures.holder import name_key

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

# 民法4条: a person is of age at 18.
AGE_OF_MAJORITY = 18
# The registry's relationship to the householder that makes the householder (or their spouse)
# the child's parent.
CHILD = "子"
SPOUSES = ("妻", "夫")

# The item that declares the proxy's basis, per block (the error is shown there).
DECLARING_ITEMS = ("proxy.kind", "submitter.kind")
POWER_OF_ATTORNEY_ITEMS = ("proxy.power_of_attorney", "submitter.power_of_attorney")


@dataclass(frozen=True)
class ProxyCheck:
    parties: Parties | None
    subject_resident: Resident | None
    errors: tuple[FieldError, ...]

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birth(party: Party) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(party.birth_date) if party.birth_date else None
    except ValueError:
        return None


def _same_person(resident: Resident, party: Party, birth: datetime.date) -> bool:
    return resident.birth_date == birth and name_key(resident.name) == name_key(party.name)


def _in_household(signer: Resident, party: Party) -> Resident | None:
    birth = _birth(party)
    if birth is None:
        return None
    return next(
        (
            member
            for member in account_selectors.household_members(resident=signer)
            if _same_person(member, party, birth)
        ),
        None,
    )


def _in_registry(municipality_code: str, party: Party) -> Resident | None:
    """The one resident of the municipality with this name and birth date (None when nobody or
    more than one matches: an ambiguous match links no one)."""
    birth = _birth(party)
    if birth is None:
        return None
    found = [
        resident
        for resident in account_selectors.residents_of(
            municipality_codes=[municipality_code], birth_date=birth
        )
        if _same_person(resident, party, birth)
    ]
    return found[0] if len(found) == 1 else None


def _is_parent_of_minor(signer: Resident, child: Resident, today: datetime.date) -> bool:
    return (
        child.relationship == CHILD
        and (signer.is_householder or signer.relationship in SPOUSES)
        and _age_on(child.birth_date, today) < AGE_OF_MAJORITY
    )


def _declaring_item(answers: Mapping[str, Any]) -> str:
    return next((code for code in DECLARING_ITEMS if answers.get(code)), DECLARING_ITEMS[0])


def _error(path: str, code: str, message: str) -> FieldError:
    return FieldError(path=path, item=path, code=code, message=message)


def proxy_check(
    *,
    answers: Mapping[str, Any],
    signer: Resident | None,
    municipality_code: str,
    today: datetime.date | None = None,
) -> ProxyCheck:
    """Check a declared proxy's basis against the registry (normalised answers). Writes
    nothing; the errors name the item that declared the basis (or the missing 委任状)."""
    parties = parties_from_answers(answers)
    if parties is None or not parties.is_proxy:
        return ProxyCheck(parties=parties, subject_resident=None, errors=())
    today = today or timezone.localdate()
    subject = parties.subject
    if parties.basis == ProxyBasis.PARENT:
        child = _in_household(signer, subject) if signer is not None else None
        if child is None or signer is None or not _is_parent_of_minor(signer, child, today):
            item = _declaring_item(answers)
            return ProxyCheck(
                parties=parties,
                subject_resident=None,
                errors=(
                    _error(
                        item,
                        "proxy_not_parent",
                        _(
                            "The resident registry does not show %(subject)s as a minor child "
                            "in your household, so you cannot apply as their parent. Choose "
                            "“a person the applicant has authorised” and attach a power of "
                            "attorney (委任状) signed by %(subject)s."
                        )
                        % {"subject": subject.name},
                    ),
                ),
            )
        return ProxyCheck(parties=parties, subject_resident=child, errors=())
    if parties.basis == ProxyBasis.POWER_OF_ATTORNEY and not any(
        isinstance(answers.get(code), Mapping) for code in POWER_OF_ATTORNEY_ITEMS
    ):
        item = next(
            (code for code in POWER_OF_ATTORNEY_ITEMS if code.split(".")[0] in _blocks(answers)),
            POWER_OF_ATTORNEY_ITEMS[0],
        )
        return ProxyCheck(
            parties=parties,
            subject_resident=None,
            errors=(
                _error(
                    item,
                    "power_of_attorney_required",
                    _(
                        "Attach a power of attorney (委任状) signed by %(subject)s: only a "
                        "parent of a minor child of the same household or a care manager may "
                        "apply for someone else without one."
                    )
                    % {"subject": subject.name},
                ),
            ),
        )
    if parties.basis == ProxyBasis.CARE_MANAGER and not (
        parties.signer.office_name and parties.signer.office_number
    ):
        item = (
            "proxy.office_number" if parties.signer.source == "proxy" else "submitter.office_number"
        )
        return ProxyCheck(
            parties=parties,
            subject_resident=None,
            errors=(
                _error(
                    item,
                    "care_manager_office_required",
                    _(
                        "Enter the name and the 10-digit number (介護保険事業所番号) of your "
                        "care management office."
                    ),
                ),
            ),
        )
    if not parties.basis:
        item = _declaring_item(answers)
        return ProxyCheck(
            parties=parties,
            subject_resident=None,
            errors=(
                _error(
                    item,
                    "proxy_basis_required",
                    _("Choose why you are applying for %(subject)s.") % {"subject": subject.name},
                ),
            ),
        )
    return ProxyCheck(
        parties=parties,
        subject_resident=_in_registry(municipality_code, subject),
        errors=(),
    )


def _blocks(answers: Mapping[str, Any]) -> set[str]:
    return {code.split(".")[0] for code in answers}
