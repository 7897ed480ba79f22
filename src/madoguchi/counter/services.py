"""Writes of the counter pages: starting an application with the resident who is present, and
recording that staff looked at a resident's data. The application itself changes only through
madoguchi.applications' services (and the resident journey's page save and signing, reused)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser

from madoguchi.applications import services as application_services
from madoguchi.apply.prefill import prefill_answers
from madoguchi.audit.services import audit_record
from madoguchi.signin.claims import ResidentClaims

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident
    from madoguchi.applications.models import Application
    from madoguchi.forms.models import FormVersion


def _registry_claims(resident: Resident) -> ResidentClaims:
    """The resident record as the claims the resident journey prefills from: at the counter the
    resident registry, checked against the card the resident shows, is the trusted source."""
    return ResidentClaims(
        issuer="registry",
        subject=str(resident.subject),
        name=resident.name,
        family_name=resident.family_name,
        given_name=resident.given_name,
        family_name_kana=resident.family_name_kana,
        given_name_kana=resident.given_name_kana,
        address=resident.address,
        postal_code=resident.postal_code,
        birthdate=resident.birth_date,
        gender=resident.gender,
        authenticated_at=None,
    )


def counter_application_start(
    *, form_version: FormVersion, resident: Resident, staff: AbstractBaseUser
) -> Application:
    """A counter draft for `resident`, prefilled from their resident record."""
    return application_services.application_counter_start(
        form_version=form_version,
        resident=resident,
        staff=staff,
        answers=prefill_answers(
            definition=form_version.definition, claims=_registry_claims(resident)
        ),
    )


def counter_view_audit(
    *,
    actor: AbstractBaseUser,
    municipality_code: str,
    object_type: str,
    object_id: str,
    view: str,
    ip_address: str | None,
    data: dict[str, object] | None = None,
) -> None:
    """Staff looked at a resident's personal data at the counter."""
    audit_record(
        action="counter.viewed",
        actor=actor,
        municipality_code=municipality_code,
        object_type=object_type,
        object_id=object_id,
        ip_address=ip_address,
        data={"view": view, **(data or {})},
    )
