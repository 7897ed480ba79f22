"""Reads of the notices app: a resident's inbox, a municipality's notices and their deliveries,
the wording a template has in a municipality."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from madoguchi.accounts import selectors as account_selectors
from madoguchi.notices import rendering
from madoguchi.notices.models import Delivery, Notice, TemplateOverride
from madoguchi.notices.registry import segment_get, template_get, template_list
from madoguchi.notices.types import TemplateSpec


def unread_count(resident_id: int) -> int:
    return Notice.objects.filter(resident_id=resident_id, read_at__isnull=True).count()


def inbox(resident_id: int) -> QuerySet[Notice]:
    """The resident's notices, newest first (paginate it)."""
    return Notice.objects.filter(resident_id=resident_id).order_by("-created_at", "-pk")


def notice_for_resident(*, resident_id: int, notice_id: int) -> Notice | None:
    return Notice.objects.filter(pk=notice_id, resident_id=resident_id).first()


def notice_by_dedupe_key(dedupe_key: str) -> Notice | None:
    return Notice.objects.filter(dedupe_key=dedupe_key).first()


def notices_for_municipalities(*, municipality_codes: Iterable[str]) -> QuerySet[Notice]:
    """Staff: notices sent on behalf of these municipalities, newest first, with their resident
    and deliveries (the tenant scope: a municipality's staff see only its notices)."""
    return (
        Notice.objects.filter(municipality_id__in=list(municipality_codes))
        .select_related("resident")
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("channel")))
        .order_by("-created_at", "-pk")
    )


def deliveries_for(*, notice_id: int) -> list[Delivery]:
    return list(Delivery.objects.filter(notice_id=notice_id).order_by("channel"))


@dataclass(frozen=True)
class Wording:
    spec: TemplateSpec
    subject: str
    body: str
    overridden: bool


def template_wording(*, municipality_id: str, code: str) -> Wording:
    """The wording `code` has in this municipality: its own, or the platform's (in the current
    language)."""
    spec = template_get(code)
    row = TemplateOverride.objects.filter(municipality_id=municipality_id, code=code).first()
    if row is not None:
        return Wording(spec=spec, subject=row.subject, body=row.body, overridden=True)
    return Wording(spec=spec, subject=str(spec.subject), body=str(spec.body), overridden=False)


def template_wordings(*, municipality_id: str) -> list[Wording]:
    overridden = {
        row.code: row for row in TemplateOverride.objects.filter(municipality_id=municipality_id)
    }
    result = []
    for spec in template_list():
        row = overridden.get(spec.code)
        result.append(
            Wording(
                spec=spec,
                subject=row.subject if row else str(spec.subject),
                body=row.body if row else str(spec.body),
                overridden=row is not None,
            )
        )
    return result


def template_preview(*, code: str, subject: str, body: str) -> tuple[str, str]:
    """`subject` and `body` filled with the template's sample values (〈name〉 where the
    template declares none). Raises rendering.TemplateSyntaxProblem for an invalid text."""
    spec = template_get(code)
    samples = {name: spec.samples.get(name, f"〈{name}〉") for name in spec.variables}
    return (
        rendering.render(subject, samples, spec.variables),
        rendering.render(body, samples, spec.variables),
    )


def segment_count(*, municipality_id: str, segment: str, choice: str = "") -> int:
    """How many residents a send to this segment would reach (the confirmation step)."""
    if segment_get(segment) is None:
        return 0
    return sum(
        1
        for _ in segment_residents(municipality_id=municipality_id, segment=segment, choice=choice)
    )


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def segment_residents(*, municipality_id: str, segment: str, choice: str = "") -> Iterator[int]:
    """The segment's resident ids — only those registered in `municipality_id`, whatever the
    resolver yields (the tenant check does not trust a higher app's resolver)."""
    found = segment_get(segment)
    if found is None:
        raise LookupError(f"no segment {segment!r}")
    ids = (
        found.resolver(municipality_id, choice)
        if found.choices
        else found.resolver(municipality_id)
    )
    for batch in _chunks(ids, 1000):
        contacts = account_selectors.resident_contacts(resident_ids=batch)
        for resident_id in batch:
            if resident_id in contacts and contacts[resident_id][0] == municipality_id:
                yield resident_id
