"""Generation numbers: how a change made in one process reaches the caches of every other at once.

A per-process cache (`TtlCache(generation="catalog.limits")`) remembers, with each entry, the
generation of its kind of fact when the entry was loaded. Whoever changes such a fact calls
`bump(name)` in the same transaction, so the new generation commits with the change. Before
trusting an entry, the cache compares generations; a different number empties it.

Reading the generations costs one small statement. Inside a `generation_scope()` (every HTTP
request gets one from `GenerationScopeMiddleware`; a worker may open one per unit of work) they
are read at most once — on first use — so a submission pays one statement whatever number of
caches it consults. Outside a scope every comparison reads afresh.

Order matters and is kept by the cache: the generation is read before the value is loaded, so a
change that commits in between leaves the entry marked with the older number and the next
comparison reloads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from madoguchi.core.models import CacheGeneration

# None outside a scope; inside, {} until first read, then every generation by name.
_scope: ContextVar[dict[str, int] | None] = ContextVar("madoguchi_generations", default=None)


def _read_all() -> dict[str, int]:
    return dict(CacheGeneration.objects.values_list("name", "value"))


def generation(name: str) -> int:
    """The committed generation of `name` (0 before its first change)."""
    memo = _scope.get()
    if memo is None:
        return _read_all().get(name, 0)
    if not memo:
        memo.update(_read_all())
        memo.setdefault("", 0)  # marks the memo as read, even when the table is empty
    return memo.get(name, 0)


def bump(name: str) -> None:
    """Mark every cached `name` fact stale, in all processes, once the caller's transaction
    commits (and at once, outside one)."""
    with transaction.atomic():
        updated = CacheGeneration.objects.filter(name=name).update(value=F("value") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    CacheGeneration.objects.create(name=name, value=1)
            except IntegrityError:  # created by a concurrent first bump
                CacheGeneration.objects.filter(name=name).update(value=F("value") + 1)
    memo = _scope.get()
    if memo:
        memo.clear()  # this unit of work reads its own change on the next comparison


@contextmanager
def generation_scope() -> Iterator[None]:
    """Read generations at most once until the block ends (one request, one unit of work)."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


class GenerationScopeMiddleware:
    """One generation read per request, at most, and only if a cache asks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with generation_scope():
            return self.get_response(request)
