from __future__ import annotations

import pytest

from madoguchi.linkage.services import linkage_demo_load


@pytest.fixture
def hub(demo) -> None:
    """The demo hub: agencies of 千代田区 with their keys, the access list, holder records."""
    linkage_demo_load()
