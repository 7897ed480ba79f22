"""Reads of the development IdP."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from madoguchi.accounts.selectors import demo_resident_list as accounts_demo_resident_list
from madoguchi.idp.models import DemoIdentity


@dataclass(frozen=True)
class Person:
    """One entry of the sign-in page's list."""

    subject: str
    name: str
    birth_date_iso: str


def person_list() -> list[Person]:
    """Whom a tester may sign in as: the demo residents (household, then householder first),
    then the other fictional people the IdP was given, oldest first."""
    people = [
        Person(str(r.subject), r.name, r.birth_date.isoformat())
        for r in accounts_demo_resident_list()
    ]
    seen = {p.subject for p in people}
    for identity in DemoIdentity.objects.filter(resident__isnull=True).order_by("created_at", "pk"):
        if identity.subject not in seen:
            people.append(
                Person(
                    identity.subject,
                    identity.name,
                    identity.birth_date.isoformat() if identity.birth_date else "",
                )
            )
    return people


def identity_for_idp_user(*, user: AbstractBaseUser | AnonymousUser) -> DemoIdentity | None:
    if not user.is_authenticated:
        return None
    return DemoIdentity.objects.filter(user_id=user.pk).first()


def demo_identity_for_subject(*, subject: str) -> DemoIdentity | None:
    return DemoIdentity.objects.select_related("user", "resident").filter(subject=subject).first()
