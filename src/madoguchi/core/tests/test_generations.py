"""A change of a cached fact reaches every process at its next lookup (core.generations)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.catalog.models import Offering
from madoguchi.catalog.selectors import offering_application_limit
from madoguchi.core.generations import bump, generation, generation_scope
from madoguchi.core.models import CacheGeneration
from madoguchi.core.ttlcache import TtlCache

ROOT = Path(__file__).resolve().parents[4]
CHIYODA = "131016"


@pytest.mark.django_db
def test_an_entry_of_an_older_generation_is_reloaded():
    loads: list[int] = []
    cache: TtlCache[str, int] = TtlCache(ttl=3600, generation="test.facts")

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert cache.get_or_load("k", load) == 1
    assert cache.get_or_load("k", load) == 1  # cached
    # What another process's change leaves behind: only the committed row.
    CacheGeneration.objects.create(name="test.facts", value=7)
    assert cache.get("k") is None
    assert cache.get_or_load("k", load) == 2
    assert cache.get_or_load("k", load) == 2


@pytest.mark.django_db
def test_a_scope_reads_the_generations_once_and_sees_its_own_bump():
    with generation_scope():
        with CaptureQueriesContext(connection) as queries:
            assert generation("a") == 0
            assert generation("b") == 0
        assert len(queries) == 1
        bump("a")
        assert generation("a") == 1
        bump("a")
        assert generation("a") == 2
    assert generation("a") == 2  # outside a scope: read each time
    assert generation("b") == 0


@pytest.mark.django_db
def test_a_load_racing_a_change_is_not_kept():
    cache: TtlCache[str, str] = TtlCache(ttl=3600, generation="test.race")

    def load_while_another_process_commits() -> str:
        CacheGeneration.objects.create(name="test.race", value=1)
        return "old"

    assert cache.get_or_load("k", load_while_another_process_commits) == "old"
    assert cache.get_or_load("k", lambda: "new") == "new"


@pytest.mark.django_db(transaction=True)
def test_a_limit_set_in_another_process_is_seen_at_the_next_lookup(demo, catalog, tmp_path):
    def limit() -> str:
        return offering_application_limit(
            municipality_code=CHIYODA, procedure_code="disaster-certificate"
        )

    assert limit() == ""  # cached now, in this process
    (tmp_path / "other_settings.py").write_text(
        "from madoguchi.config.settings_test import *  # noqa: F403\n"
        f"DATABASES['default']['NAME'] = {connection.settings_dict['NAME']!r}  # noqa: F405\n"
    )
    script = (
        "import django; django.setup()\n"
        "from madoguchi.accounts.models import User\n"
        "from madoguchi.catalog.services import offering_limit_set\n"
        f"offering_limit_set(municipality_code={CHIYODA!r}, procedure_code='disaster-certificate',"
        " limit='household', actor=User.objects.get(username='chiyoda-editor'))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "other_settings",
    }
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)
    assert Offering.objects.get(
        municipality_id=CHIYODA, procedure_id="disaster-certificate"
    ).application_limit == ("household")
    assert limit() == "household"


@pytest.mark.django_db
def test_a_webhook_endpoint_added_elsewhere_gets_the_next_message(demo):
    from madoguchi.reception.models import WebhookEndpoint
    from madoguchi.reception.webhooks import ENDPOINTS_GENERATION, active_endpoints

    assert active_endpoints(CHIYODA) == ()
    # Another process's insert: no signal here, only its committed generation.
    WebhookEndpoint.objects.bulk_create(
        [WebhookEndpoint(municipality_id=CHIYODA, url="https://example.test/hook", secret="s")]
    )
    assert active_endpoints(CHIYODA) == ()  # no change announced: still the cached answer
    CacheGeneration.objects.update_or_create(name=ENDPOINTS_GENERATION, defaults={"value": 99})
    assert [e.url for e in active_endpoints(CHIYODA)] == ["https://example.test/hook"]
