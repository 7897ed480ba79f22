"""What applications tells residents through madoguchi.notices: the 受付不可 notice of an
arrival (issue 14), and the staff segment "residents with an open application of a procedure".
Registered in ApplicationsConfig.ready() (notices sits below applications in the layers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from madoguchi.applications.models import Application
from madoguchi.applications.types import Status
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.notices import services as notice_services
from madoguchi.notices.registry import segment_register, template_register

if TYPE_CHECKING:
    from madoguchi.applications.models import Arrival

ARRIVAL_REFUSED = "applications.arrival_refused"
# Received and not yet decided: the resident may still be asked for something.
OPEN = (Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED)


def register() -> None:
    template_register(
        ARRIVAL_REFUSED,
        subject=_("Your application could not be accepted (arrival number {number})"),
        body=_(
            "The application that arrived under arrival number {number} could not be "
            "accepted:\n{reason}\n\nOpen its page to see why; you can correct it and sign "
            "again."
        ),
        variables=["number", "reason"],
        samples={"number": "A1B2-C3D4-E5F6", "reason": "…"},
    )
    segment_register(
        "applications.open_procedure",
        _("Residents with an open application of a procedure"),
        residents_with_open_application,
        choices=open_procedures,
        choice_label=_("Procedure"),
    )


def arrival_refused_notify(arrival: Arrival) -> None:
    """The resident whose signed web application ended 受付不可 gets an お知らせ (once per
    arrival, in the arrival's transaction). API arrivals are answered to the portal instead."""
    draft = arrival.draft
    if draft is None or draft.resident_id is None:
        return
    notice_services.notice_send(
        resident_id=draft.resident_id,
        municipality_id=arrival.form_version.municipality_id,
        template=ARRIVAL_REFUSED,
        context={
            "number": arrival.display,
            "reason": str(arrival.problem.get("title", "")),
        },
        dedupe_key=f"arrival-refused:{arrival.number}",
        link=reverse("apply:arrival", args=[draft.public_id]),
    )


def _open(municipality_id: str) -> QuerySet[Application]:
    return Application.objects.filter(municipality_id=municipality_id, status__in=OPEN)


def residents_with_open_application(municipality_id: str, procedure_code: str) -> Iterable[int]:
    return (
        _open(municipality_id)
        .filter(procedure_code=procedure_code, resident__isnull=False)
        .order_by("resident_id")
        .values_list("resident_id", flat=True)
        .distinct()
        .iterator(chunk_size=2000)
    )


def open_procedures(municipality_id: str) -> list[tuple[str, str]]:
    codes = sorted(set(_open(municipality_id).values_list("procedure_code", flat=True).distinct()))
    names = {p.code: p.name for p in catalog_selectors.procedure_list().filter(code__in=codes)}
    return [(code, names.get(code, code)) for code in codes]
