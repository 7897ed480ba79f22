"""Writes to accounts: staff users, memberships, residents (from identity providers and
signatures) and the synthetic demo residents."""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from madoguchi.accounts.demo import DEMO_DATA as DEMO_DATA
from madoguchi.accounts.demo import DEMO_PASSWORD as DEMO_PASSWORD
from madoguchi.accounts.demo import demo_resident_subject as demo_resident_subject
from madoguchi.accounts.demo import demo_resident_subjects as demo_resident_subjects
from madoguchi.accounts.models import (
    Household,
    Membership,
    Resident,
    ResidentChange,
    ResidentIdentity,
    User,
)
from madoguchi.accounts.registry import registry_configured
from madoguchi.accounts.selectors import resident_get
from madoguchi.accounts.types import PERSON_FIELDS, HouseholdSource, PersonRecord
from madoguchi.audit.services import audit_record
from madoguchi.core.records import changed_fields_save


def resident_user_link(*, resident: Resident, user: User) -> User:
    """Link a resident to the platform user who signed in as them; returns the linked user.

    A conditional update: if a concurrent sign-in linked another user first, theirs is kept and
    returned, so one resident never ends up with two users.
    """
    Resident.objects.filter(pk=resident.pk, user__isnull=True).update(user=user)
    resident.refresh_from_db(fields=["user"])
    return resident.user if resident.user is not None else user


def passwordless_user_get_or_create(*, username: str, display_name: str) -> tuple[User, bool]:
    """The user `username`, created if new, who never signs in here with a password (a resident
    through OpenID Connect, the development IdP's own accounts). Returns (user, created)."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name[:150], "is_active": True}
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, created


def resident_lock(*, resident: Resident) -> None:
    """Lock the resident's row until the end of the caller's transaction (SELECT FOR UPDATE),
    so one resident's concurrent requests serialise."""
    Resident.objects.select_for_update().filter(pk=resident.pk).first()


@dataclass
class DemoLoadResult:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"demo data: created={self.created} updated={self.updated}"


def _sync(instance: Any, values: dict[str, Any], result: DemoLoadResult) -> None:
    result.updated += int(changed_fields_save(instance, values))


@transaction.atomic
def demo_data_load(*, path: Path = DEMO_DATA) -> DemoLoadResult:
    """Create the demo staff and residents; a second run changes nothing.

    Passwords are set only when a user is created, so a demo user who changed theirs keeps it.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    result = DemoLoadResult()
    for person in data["staff"]:
        user = User.objects.filter(username=person["username"]).first()
        if user is None:
            user = User(
                username=person["username"], display_name=person["display_name"], is_staff=False
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            result.created += 1
        else:
            _sync(user, {"display_name": person["display_name"]}, result)
        for municipality_code, role in person["memberships"]:
            _, created = Membership.objects.get_or_create(
                user=user, municipality_id=municipality_code, role=role
            )
            result.created += int(created)

    municipality_code = data["municipality"]
    for person in data["residents"]:
        household, created = Household.objects.get_or_create(
            municipality_id=municipality_code, code=person["household"]
        )
        result.created += int(created)
        values = {
            "municipality_id": municipality_code,
            "household": household,
            "is_householder": person["is_householder"],
            "relationship": person["relationship"],
            "family_name": person["family_name"],
            "given_name": person["given_name"],
            "family_name_kana": person["family_name_kana"],
            "given_name_kana": person["given_name_kana"],
            "birth_date": datetime.date.fromisoformat(person["birth_date"]),
            "gender": person["gender"],
            "postal_code": person["postal_code"],
            "address": person["address"],
            "email": person["email"],
        }
        subject = demo_resident_subject(person["key"])
        resident = Resident.objects.filter(subject=subject).first()
        if resident is None:
            Resident.objects.create(subject=subject, **values)
            result.created += 1
        else:
            _sync(resident, values, result)
    return result


# --- Residents from identity -----------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _household_for(*, municipality_code: str, person: PersonRecord) -> tuple[Household, bool, str]:
    """(household, is_householder, relationship) from the registry adapter when one is
    configured and knows the person; otherwise a new household of one, not confirmed."""
    registry = registry_configured()
    found = (
        registry.household_for(municipality_code=municipality_code, person=person)
        if registry is not None
        else None
    )
    if found is not None:
        household, _ = Household.objects.get_or_create(
            municipality_id=municipality_code,
            code=found.household_code,
            defaults={"source": HouseholdSource.REGISTRY},
        )
        taken = Resident.objects.filter(household=household, is_householder=True).exists()
        return household, found.is_householder and not taken, found.relationship
    household = Household.objects.create(
        municipality_id=municipality_code,
        code=f"U-{uuid.uuid4().hex[:16]}",
        source=HouseholdSource.UNCONFIRMED,
    )
    return household, True, ""


def _resident_create(*, person: PersonRecord, municipality_code: str) -> Resident:
    assert person.birth_date is not None
    household, is_householder, relationship = _household_for(
        municipality_code=municipality_code, person=person
    )
    return Resident.objects.create(
        municipality_id=municipality_code,
        household=household,
        is_householder=is_householder,
        relationship=relationship,
        family_name=person.family_name,
        given_name=person.given_name,
        family_name_kana=person.family_name_kana,
        given_name_kana=person.given_name_kana,
        birth_date=person.birth_date,
        gender=person.gender,
        postal_code=person.postal_code,
        address=person.address,
    )


def resident_update_from(
    *,
    resident: Resident,
    person: PersonRecord,
    source: str,
    issuer: str = "",
    municipality_code: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Bring the record up to what a trusted source says now, keeping a history row of what
    changed (and an audit event). Fields the source leaves empty are kept. `municipality_code`
    is the municipality of the person's current address (the caller resolves it from the
    municipality master); a move to another municipality moves the resident there, into a
    household of that municipality. Returns the changes ({} when nothing changed)."""
    changes: dict[str, dict[str, Any]] = {}
    for field in PERSON_FIELDS:
        new = getattr(person, field)
        if new in ("", None):
            continue
        old = getattr(resident, field)
        if old != new:
            changes[field] = {"old": _jsonable(old), "new": _jsonable(new)}
            setattr(resident, field, new)
    if not changes:
        return {}
    moved = "address" in changes or "postal_code" in changes
    if moved and municipality_code and municipality_code != resident.municipality_id:
        changes["municipality"] = {"old": resident.municipality_id, "new": municipality_code}
        resident.municipality_id = municipality_code
        household, is_householder, relationship = _household_for(
            municipality_code=municipality_code, person=person
        )
        resident.household, resident.is_householder = household, is_householder
        resident.relationship = relationship
    resident.save()
    ResidentChange.objects.create(resident=resident, source=source, issuer=issuer, changes=changes)
    audit_record(
        action="resident.updated",
        municipality_code=resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(resident.pk),
        data={"source": source, "issuer": issuer, "fields": sorted(changes)},
    )
    return changes


def _identity_resident(
    *, issuer: str, subject: str, person: PersonRecord, municipality_code: str | None
) -> Resident | None:
    now = timezone.now()
    identity = (
        ResidentIdentity.objects.select_for_update()
        .select_related("resident")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        identity.last_seen_at = now
        identity.save(update_fields=["last_seen_at"])
        resident_update_from(
            resident=identity.resident,
            person=person,
            source="identity",
            issuer=issuer,
            municipality_code=municipality_code,
        )
        return identity.resident
    # The development IdP releases the registry's own identifier as `sub` (demo residents).
    resident = resident_get(subject=subject)
    if resident is not None and resident.identities.filter(issuer=issuer).exists():
        resident = None  # already known at this issuer under another subject
    if resident is not None:
        resident_update_from(
            resident=resident,
            person=person,
            source="identity",
            issuer=issuer,
            municipality_code=municipality_code,
        )
    else:
        if not person.is_complete or not municipality_code:
            return None
        resident = _resident_create(person=person, municipality_code=municipality_code)
        audit_record(
            action="resident.created",
            municipality_code=resident.municipality_id,
            object_type="accounts.resident",
            object_id=str(resident.pk),
            data={"source": "identity", "issuer": issuer},
        )
    ResidentIdentity.objects.create(
        resident=resident, issuer=issuer, subject=subject, last_seen_at=now
    )
    return resident


def resident_from_identity(
    *, issuer: str, subject: str, person: PersonRecord, municipality_code: str | None
) -> Resident | None:
    """The resident an identity provider vouches for, found by (issuer, subject) — created on
    the first sign-in from the verified claims, and updated (with history) on later ones.
    `municipality_code`: the municipality of the claimed address (the caller resolves it from
    the municipality master, municipalities.selectors.municipality_for_address).

    None when the claims are not enough for a record (no name, birth date or address was
    released) or the address lies in no known municipality: the person may still sign in, but
    cannot apply. Two first sign-ins of one person at once create one resident."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _identity_resident(
                    issuer=issuer,
                    subject=subject,
                    person=person,
                    municipality_code=municipality_code,
                )
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def resident_create_from_certificate(*, person: PersonRecord, municipality_code: str) -> Resident:
    """A resident record from a signing certificate's 基本4情報, for an applicant whose card is
    on no record yet (the API's one-request submission; docs/api.md); `municipality_code` is
    the municipality of the certificate's address."""
    with transaction.atomic():
        resident = _resident_create(person=person, municipality_code=municipality_code)
        audit_record(
            action="resident.created",
            municipality_code=resident.municipality_id,
            object_type="accounts.resident",
            object_id=str(resident.pk),
            data={"source": "certificate"},
        )
    return resident


@transaction.atomic
def resident_household_declare(
    *, resident: Resident, is_householder: bool, relationship: str
) -> Resident:
    """The resident's own statement of their place in their household, where no registry
    adapter confirmed it. Marks the household as declared; a registry household is not changed."""
    resident = Resident.objects.select_for_update().select_related("household").get(pk=resident.pk)
    household = resident.household
    if household.source == HouseholdSource.REGISTRY:
        return resident
    changes: dict[str, dict[str, Any]] = {}
    if household.source != HouseholdSource.DECLARED:
        changes["household_source"] = {"old": household.source, "new": HouseholdSource.DECLARED}
        household.source = HouseholdSource.DECLARED
        household.save(update_fields=["source"])
    if resident.is_householder != is_householder:
        changes["is_householder"] = {"old": resident.is_householder, "new": is_householder}
    if resident.relationship != relationship:
        changes["relationship"] = {"old": resident.relationship, "new": relationship}
    resident.is_householder, resident.relationship = is_householder, relationship
    resident.save(update_fields=["is_householder", "relationship"])
    if changes:
        ResidentChange.objects.create(resident=resident, source="declaration", changes=changes)
    return resident
