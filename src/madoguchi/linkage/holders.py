"""Information holders (情報保有機関) behind one registry of adapters.

A holder receives the hub's signed request (compact JWS: `sub` = the person's code *at this
holder*, `items`, `jimu`, `jti`) and answers a response signed with its own key: `in_reply_to`
= the request's `jti`, `sub` the same code, and `values` by item code — or `status`
"unknown_person". The hub checks that signature against the holder's registered key.

In process: 住民基本台帳 (the platform's resident registry), 地方税 and 児童手当 (demo records
keyed by the holder's own codes). Anywhere else: `HttpHolder`, the contract in docs/linkage.md."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import httpx
from django.utils.translation import gettext as _

from madoguchi.accounts import selectors as account_selectors

from . import jose
from .catalogue import ITEMS
from .dates import is_child_on, recorded_on
from .types import Category, HolderUnavailable

if TYPE_CHECKING:
    from .models import Agency

HUB = "hub"


class Holder:
    """An in-process holder: checks the hub's request, looks the person up by its own code,
    signs its answer."""

    category: str = ""

    def answer(self, *, agency: Agency, hub_public_jwk: dict[str, Any], request: str) -> str:
        claims = jose.verify(
            token=request, public_jwk=hub_public_jwk, issuer=HUB, audience=agency.code
        )
        values = self.values(agency=agency, person_code=str(claims["sub"]), items=claims["items"])
        body: dict[str, Any] = {
            "aud": HUB,
            "sub": claims["sub"],
            "in_reply_to": claims["jti"],
        }
        if values is None:
            body["status"] = "unknown_person"
        else:
            body["status"] = "ok"
            body["values"] = {code: values[code] for code in claims["items"] if code in values}
        assert agency.private_jwk is not None
        return jose.sign(claims=body, private_jwk=agency.private_jwk, issuer=agency.code)

    def values(
        self, *, agency: Agency, person_code: str, items: list[str]
    ) -> dict[str, Any] | None:
        raise NotImplementedError


def _holder_subject(agency: Agency, person_code: str) -> Any:
    # The holder's own 宛名 table: its code → its person. (Here the platform's one table of
    # codes serves the in-process holders too; a remote holder keeps its own.)
    from .models import PersonCode

    row = PersonCode.objects.filter(agency=agency, code=person_code).first()
    return row.subject if row is not None else None


class ResidentRegistryHolder(Holder):
    """住民基本台帳: the platform's resident registry (accounts.Resident and its household)."""

    category = Category.RESIDENT

    def values(
        self, *, agency: Agency, person_code: str, items: list[str]
    ) -> dict[str, Any] | None:
        subject = _holder_subject(agency, person_code)
        resident = account_selectors.resident_get(subject=subject) if subject else None
        if resident is None or resident.municipality_id != agency.municipality_code:
            return None
        postal = resident.postal_code
        head = next((m for m in resident.household.members.all() if m.is_householder), resident)
        residency = _residency(resident.pk)
        values: dict[str, Any] = {
            "jumin.name": {"family": resident.family_name, "given": resident.given_name},
            "jumin.name_kana": {
                "family": resident.family_name_kana,
                "given": resident.given_name_kana,
            },
            "jumin.birth_date": resident.birth_date.isoformat(),
            "jumin.sex": resident.gender,
            "jumin.address": {
                "postal_code": f"{postal[:3]}-{postal[3:]}" if len(postal) == 7 else postal,
                "address": resident.address,
            },
            "jumin.relationship": resident.relationship,
            "jumin.householder": {"family": head.family_name, "given": head.given_name},
            # None: no 転入 / 転出 recorded (here since birth, still here).
            "jumin.moved_in_on": residency[0].isoformat() if residency[0] else None,
            "jumin.moved_out_on": residency[1].isoformat() if residency[1] else None,
        }
        if {"jumin.household_members", "jumin.household_children"} & set(items):
            today = datetime.date.today()
            members = _household_today(resident, today)
            values["jumin.household_members"] = [_person_row(m) for m in members]
            values["jumin.household_children"] = [
                _person_row(m) for m in members if is_child_on(m.birth_date, today)
            ]
        return values


def _person_row(member: Any) -> dict[str, Any]:
    """One household member as the registry has them (names exactly as registered)."""
    return {
        "name": {"family": member.family_name, "given": member.given_name},
        "name_kana": {"family": member.family_name_kana, "given": member.given_name_kana},
        "birth_date": member.birth_date.isoformat(),
        "relationship": member.relationship,
        "sex": member.gender,
    }


def _household_today(resident: Any, today: datetime.date) -> list[Any]:
    """The other members of the person's household recorded in the registry today (a household
    only declared to the platform is not the registry's; moved out or died: not recorded)."""
    from .models import ResidencyRecord

    members = [
        m
        for m in account_selectors.household_members(resident=resident)
        if m.municipality_id == resident.municipality_id
    ]
    dates = {
        row[0]: row[1:]
        for row in ResidencyRecord.objects.filter(
            resident_id__in=[m.pk for m in members]
        ).values_list("resident_id", "moved_in_on", "moved_out_on", "deceased_on")
    }
    kept = []
    for member in members:
        moved_in, moved_out, deceased = dates.get(member.pk, (None, None, None))
        if recorded_on(
            day=today,
            birth_date=member.birth_date,
            moved_in_on=moved_in,
            moved_out_on=moved_out,
            deceased_on=deceased,
        ):
            kept.append(member)
    return kept


def _residency(resident_id: int) -> tuple[datetime.date | None, datetime.date | None]:
    from .models import ResidencyRecord

    row = (
        ResidencyRecord.objects.filter(resident_id=resident_id)
        .values_list("moved_in_on", "moved_out_on")
        .first()
    )
    return (row[0], row[1]) if row else (None, None)


class RecordHolder(Holder):
    """A holder whose data are records keyed by its own codes (the demo 地方税 and 児童手当)."""

    def __init__(self, category: str) -> None:
        self.category = category

    def values(
        self, *, agency: Agency, person_code: str, items: list[str]
    ) -> dict[str, Any] | None:
        from .models import HolderRecord

        record = HolderRecord.objects.filter(holder=agency, person_code=person_code).first()
        if record is None:
            return None
        data = record.data
        if self.category == Category.TAX:
            previous = str(datetime.date.today().year - 1)
            income = data.get("income", {})
            return {"tax.taxable": data.get("taxable", "no"), "tax.income": income.get(previous)}
        return {"child_allowance.receiving": data.get("receiving", "no")}


class HttpHolder:
    """A holder run elsewhere (a municipality's 標準準拠システム): POST the hub's JWS to its
    endpoint, get its signed JWS back (docs/linkage.md)."""

    def answer(self, *, agency: Agency, hub_public_jwk: dict[str, Any], request: str) -> str:
        try:
            response = httpx.post(
                agency.endpoint,
                content=request.encode(),
                headers={"Content-Type": jose.MEDIA_TYPE, "Accept": jose.MEDIA_TYPE},
                timeout=agency.timeout_seconds,
            )
        except httpx.TimeoutException as error:
            raise HolderUnavailable(
                _("%(holder)s did not answer in time.") % {"holder": agency.name}
            ) from error
        except httpx.HTTPError as error:
            raise HolderUnavailable(
                _("%(holder)s cannot be reached.") % {"holder": agency.name}
            ) from error
        if response.status_code != 200:
            raise HolderUnavailable(
                _("%(holder)s answered with an error.") % {"holder": agency.name}
            )
        return response.text.strip()


# category → adapter for holders run in process.
REGISTRY: dict[str, Holder] = {
    Category.RESIDENT: ResidentRegistryHolder(),
    Category.TAX: RecordHolder(Category.TAX),
    Category.CHILD_ALLOWANCE: RecordHolder(Category.CHILD_ALLOWANCE),
}


def holder_register(category: str, holder: Holder) -> None:
    REGISTRY[category] = holder


def adapter_for(agency: Agency, category: str) -> Holder | HttpHolder:
    if agency.endpoint:
        return HttpHolder()
    return REGISTRY[category]


def items_of(category: str) -> list[str]:
    return [code for code, spec in ITEMS.items() if spec.category == category]
