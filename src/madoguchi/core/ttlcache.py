"""A small per-process cache whose entries expire after a fixed time.

For facts that every submission reads and that change rarely (an offering's application limit,
a municipality's webhook endpoints). Without a `generation`, a change made in this process clears
the cache at once (the owning app connects its model signals) and other processes see it within
`ttl` seconds. With `generation="<name>"`, whoever changes such a fact bumps that generation in
its transaction (`madoguchi.core.generations.bump`) and every process sees the change at its next
lookup; `ttl` then only bounds how long a change that bypassed the ORM (raw SQL) goes unseen.
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
    def __init__(
        self, *, ttl: float, max_entries: int = 10_000, generation: str | None = None
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.generation = generation
        self._entries: dict[K, tuple[float, V]] = {}
        self._generation = 0  # the generation every entry of `_entries` was loaded at
        self._lock = threading.Lock()
        _instances.add(self)  # type: ignore[arg-type]

    def _current(self) -> int:
        """The committed generation, after dropping entries loaded at another one."""
        if self.generation is None:
            return 0
        from madoguchi.core.generations import generation  # a model: read after apps load

        current = generation(self.generation)
        with self._lock:
            if current != self._generation:
                self._entries.clear()
                self._generation = current
        return current

    def get(self, key: K) -> V | None:
        """The value, or None when absent, expired or of an older generation."""
        self._current()
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > time.monotonic() else None

    def put(self, key: K, value: V, *, loaded_at: int | None = None) -> None:
        with self._lock:
            if loaded_at is not None and loaded_at != self._generation:
                return  # loaded before a change this cache has since seen: not worth keeping
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self.ttl, value)

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        # The generation is read before the value, so a change committed in between leaves
        # the entry under the older number and the next lookup reloads it.
        loaded_at = self._current()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        self.put(key, value, loaded_at=loaded_at if self.generation else None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation = 0


def ttl_caches_clear() -> None:
    """Empty every TtlCache of the process (tests; after bulk changes in a shell)."""
    for cache in list(_instances):
        cache.clear()
