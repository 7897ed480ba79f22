"""Writes to accounts: staff users, memberships and the synthetic demo residents."""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from madoguchi.accounts.models import Household, Membership, Resident, User
from madoguchi.core.records import changed_fields_save

DEMO_DATA = Path(__file__).parent / "data" / "demo.json"
# Documented in the README; demo data is refused outside development (see the command).
DEMO_PASSWORD = "madoguchi-demo-2026"  # noqa: S105
_DEMO_NAMESPACE = uuid.UUID("0f4f1c4e-3d57-5b0e-9d53-6d61646f6775")


def demo_resident_subject(key: str) -> uuid.UUID:
    """Stable identifier of a demo resident, the same on every installation."""
    return uuid.uuid5(_DEMO_NAMESPACE, key)


def demo_resident_subjects(*, path: Path = DEMO_DATA) -> list[uuid.UUID]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [demo_resident_subject(person["key"]) for person in data["residents"]]


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
