"""Reads of the procedure catalog: search, detail, and the offerings of a municipality."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from madoguchi.catalog.models import Level, LifeEvent, Offering, Procedure
from madoguchi.catalog.search import IndexedProcedure, index_procedure, rank
from madoguchi.core.ttlcache import TtlCache
from madoguchi.municipalities import selectors as municipality_selectors

if TYPE_CHECKING:
    from madoguchi.municipalities.models import Municipality


@dataclass(frozen=True)
class ProcedureHit:
    procedure: Procedure
    score: float
    offering: Offering | None


_index_lock = threading.Lock()
_index: tuple[tuple[int, datetime | None], dict[str, IndexedProcedure]] | None = None


def _procedure_index() -> dict[str, IndexedProcedure]:
    """The search index, rebuilt only when a procedure was added, removed or changed."""
    global _index
    stamp = Procedure.objects.aggregate(n=Count("code"), latest=Max("updated_at"))
    key = (stamp["n"], stamp["latest"])
    with _index_lock:
        if _index is None or _index[0] != key:
            built = {
                p.code: index_procedure(
                    code=p.code, name=p.name, kana=p.kana, summary=p.summary, keywords=p.keywords
                )
                for p in Procedure.objects.only("code", "name", "kana", "summary", "keywords")
            }
            _index = (key, built)
        return _index[1]


def life_event_list() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.all()


def procedure_get(*, code: str) -> Procedure | None:
    return Procedure.objects.prefetch_related("life_events").filter(code=code).first()


def offering_authorities(*, municipality: Municipality) -> dict[str, str]:
    """Which organisation offers procedures of each level to a resident of `municipality`.

    Municipal procedures of a designated city are run by the city, not by its wards; prefectural
    ones by the prefecture.
    """
    municipal = municipality.parent_id or municipality.code
    prefectural = municipality.prefecture_id or municipality.code
    return {Level.MUNICIPAL: municipal, Level.PREFECTURAL: prefectural}


def offering_get(*, municipality_code: str, procedure_code: str) -> Offering | None:
    """The offering of exactly this organisation, read fresh (staff pages; residents go
    through offering_for, which finds the organisation responsible for them)."""
    return Offering.objects.filter(
        municipality_id=municipality_code, procedure_id=procedure_code
    ).first()


def offering_for(*, procedure: Procedure, municipality: Municipality) -> Offering | None:
    authority = offering_authorities(municipality=municipality)[procedure.level]
    return Offering.objects.filter(procedure=procedure, municipality_id=authority).first()


def procedure_search(
    *,
    q: str = "",
    municipality_code: str | None = None,
    life_event: str | None = None,
    online: bool | None = None,
) -> list[ProcedureHit]:
    """Procedures matching `q`, best first; with a municipality, its online ones come first.

    `online` filters on the municipality's offering when one is given, otherwise on whether any
    organisation offers the procedure online.
    """
    procedures = Procedure.objects.prefetch_related("life_events")
    if life_event:
        procedures = procedures.filter(life_events__code=life_event)
    candidates = list(procedures)
    scores: dict[str, float] = {}
    if q.strip():
        index = _procedure_index()
        scores = rank(q, [index[p.code] for p in candidates])
        candidates = [p for p in candidates if p.code in scores]

    offerings: dict[str, Offering] = {}
    if municipality_code:
        municipality = municipality_selectors.municipality_get(code=municipality_code)
        if municipality is not None:
            authorities = offering_authorities(municipality=municipality)
            wanted = {(authorities[p.level], p.code) for p in candidates}
            for offering in Offering.objects.filter(
                procedure__in=[p.code for p in candidates],
                municipality_id__in=set(authorities.values()),
            ):
                if (offering.municipality_id, offering.procedure_id) in wanted:
                    offerings[offering.procedure_id] = offering

    if online is not None:
        if municipality_code:
            candidates = [
                p
                for p in candidates
                if (offerings.get(p.code) is not None and offerings[p.code].online) is online
            ]
        else:
            online_codes = set(
                Offering.objects.filter(online=True, procedure__in=[p.code for p in candidates])
                .values_list("procedure_id", flat=True)
                .distinct()
            )
            candidates = [p for p in candidates if (p.code in online_codes) is online]

    hits = [ProcedureHit(p, scores.get(p.code, 0.0), offerings.get(p.code)) for p in candidates]
    hits.sort(
        key=lambda h: (
            not (h.offering is not None and h.offering.online),
            -h.score,
            h.procedure.order,
            h.procedure.code,
        )
    )
    return hits


# Read by every submission. A change through the ORM bumps the generation in its transaction
# (signals in catalog.apps), so every process sees it at its next lookup (core.generations).
LIMITS_GENERATION = "catalog.limits"
application_limit_cache: TtlCache[tuple[str, str], str] = TtlCache(
    ttl=300.0, generation=LIMITS_GENERATION
)


def offering_application_limit(*, municipality_code: str, procedure_code: str) -> str:
    """How many applications the offering allows per resident/household ("" for no limit)."""

    def load() -> str:
        limit = (
            Offering.objects.filter(municipality_id=municipality_code, procedure_id=procedure_code)
            .values_list("application_limit", flat=True)
            .first()
        )
        return limit or ""

    return application_limit_cache.get_or_load((municipality_code, procedure_code), load)


def offering_apply_url(*, offering: Offering | None) -> str | None:
    """Where a resident starts the online application, or None when it is not online."""
    if offering is None or not offering.online or not offering.form_version_ref:
        return None
    # The resident's application flow (madoguchi.apply) starts from a published form version.
    try:
        return reverse("apply:start", args=[offering.form_version_ref])
    except NoReverseMatch:
        return reverse("forms_public:form-version", args=[offering.form_version_ref])


def retention_years_for(*, municipality_code: str, procedure_code: str) -> int:
    """保存期間 in years of an application for this procedure in this municipality: the
    municipality's own period when its offering sets one, else the procedure's standard one
    (5 years for a procedure the catalog does not know)."""
    own = (
        Offering.objects.filter(municipality_id=municipality_code, procedure_id=procedure_code)
        .values_list("retention_years", flat=True)
        .first()
    )
    if own is not None:
        return int(own)
    standard = (
        Procedure.objects.filter(code=procedure_code)
        .values_list("retention_years", flat=True)
        .first()
    )
    return int(standard) if standard is not None else 5


def procedure_list() -> QuerySet[Procedure]:
    """Every standard procedure, in catalogue order."""
    return Procedure.objects.all()


def offering_counts(
    *, by: str, prefecture_code: str | None = None, municipal_kinds: Iterable[str]
) -> list[tuple[str, str, bool, int]]:
    """(procedure code, or the prefecture / municipality code, level, online, number of
    offerings) of the organisations that run each procedure: municipalities of
    `municipal_kinds` for municipal procedures, prefectures for prefectural ones; within one
    prefecture when given. `by`: "procedure", "prefecture" or "municipality" (kpis' adoption)."""
    group = {
        "procedure": "procedure_id",
        "prefecture": "municipality__prefecture_id",
        "municipality": "municipality_id",
    }[by]
    offerings = Offering.objects.filter(
        Q(procedure__level=Level.MUNICIPAL, municipality__kind__in=list(municipal_kinds))
        | Q(procedure__level=Level.PREFECTURAL, municipality__kind="prefecture")
    )
    if prefecture_code:
        offerings = offerings.filter(
            Q(municipality__prefecture_id=prefecture_code) | Q(municipality_id=prefecture_code)
        )
    return [
        (row[group], row["procedure__level"], row["online"], row["n"])
        for row in offerings.values(group, "procedure__level", "online")
        .annotate(n=Count("pk"))
        .order_by()
    ]


def offerings_of(*, municipality_codes: Iterable[str]) -> QuerySet[Offering]:
    """The offerings of these organisations (the open-data catalogue reads them in chunks)."""
    return Offering.objects.filter(municipality_id__in=list(municipality_codes)).order_by()


def catalog_changed() -> tuple[int, datetime | None]:
    """How many offerings there are and when one last changed (open data's ETag)."""
    stamp = Offering.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    procedures = Procedure.objects.aggregate(latest=Max("updated_at"))["latest"]
    latest = max((t for t in (stamp["latest"], procedures) if t is not None), default=None)
    return stamp["n"], latest
