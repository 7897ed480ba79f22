from __future__ import annotations

from collections.abc import Iterator

import pytest

from madoguchi.signatures.crl import crl_cache
from madoguchi.signatures.verification import caches_clear


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    caches_clear()
    crl_cache.set_fetcher(None)
    yield
    crl_cache.set_fetcher(None)
    caches_clear()


@pytest.fixture
def pki(demo: None) -> None:
    from madoguchi.signatures.services import pki_setup_demo

    pki_setup_demo()
