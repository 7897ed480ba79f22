"""A small per-process cache whose entries expire after a fixed time.

For facts that every submission reads and that change rarely (an offering's application limit,
a municipality's webhook endpoints): a change made in this process clears the cache at once
(the owning app connects its model signals); other processes see it within `ttl` seconds.
Every instance registers itself, so tests can start each case with empty caches.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_instances: weakref.WeakSet[TtlCache[object, object]] = weakref.WeakSet()


class TtlCache(Generic[K, V]):
    def __init__(self, *, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        _instances.add(self)  # type: ignore[arg-type]

    def get(self, key: K) -> V | None:
        """The value, or None when absent or expired."""
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > time.monotonic() else None

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self.ttl, value)

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def ttl_caches_clear() -> None:
    """Empty every TtlCache of the process (tests; after bulk changes in a shell)."""
    for cache in list(_instances):
        cache.clear()
