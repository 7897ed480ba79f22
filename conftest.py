"""Shared fixtures: the national master data, demo data, and a headless Chromium for e2e tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("MADOGUCHI_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fresh_signature_caches() -> Iterator[None]:
    """Verification caches (trust store, CRLs, outcomes) outlive a test's rolled-back database;
    a test must never see another test's certificate authorities."""
    from madoguchi.core.ttlcache import ttl_caches_clear
    from madoguchi.signatures.verification import caches_clear

    caches_clear()
    ttl_caches_clear()
    yield
    caches_clear()
    ttl_caches_clear()


@pytest.fixture
def master(db: None) -> None:
    """Every prefecture, municipality and ward (idempotent; cheap when already loaded).

    Function-scoped on purpose: transactional tests (live_server) flush the database, so each
    test that needs the master makes sure it is there.
    """
    from madoguchi.municipalities.services import municipality_master_load

    municipality_master_load()


@pytest.fixture
def demo(master: None) -> None:
    from madoguchi.accounts.services import demo_data_load

    demo_data_load()


@pytest.fixture
def catalog(master: None) -> None:
    """The 32 standard procedures, life events and the demo offerings of 千代田区 and 東京都."""
    from madoguchi.catalog.services import catalog_demo_offerings_load, catalog_load

    catalog_load()
    catalog_demo_offerings_load()


@pytest.fixture
def pki(demo: None) -> None:
    """The development PKI with a virtual My Number Card for every demo resident."""
    from madoguchi.signatures.services import pki_setup_demo

    pki_setup_demo()


# --- Browser tests --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
    # a thread with a running loop unless told the test knows what it is doing.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page (360 px wide, the narrowest width we support)."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="ja-JP")
    page = context.new_page()
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    page.csp_violations = csp_violations
    yield page
    context.close()


@pytest.fixture(scope="session")
def clamd_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real clamd for this test session (xdist: per worker), started on first use. Skips,
    saying why, only where clamd is not installed (`make clamav-deps` installs it)."""
    from madoguchi.core.testing import CLAMD_BINARY, Clamd

    if not Path(CLAMD_BINARY).exists():
        pytest.skip("clamd is not installed: run `make clamav-deps` (Debian clamav-daemon)")
    daemon = Clamd(tmp_path_factory.mktemp("clamd"))
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def clamd(clamd_daemon: Any, settings: Any) -> Any:
    """The running clamd as the only attachment scanner (other tests use `eicar`, no daemon)."""
    if clamd_daemon.process is None:
        clamd_daemon.start()  # a previous test stopped it
    settings.ATTACHMENT_SCANNERS = ["clamd"]
    settings.CLAMD_ADDRESS = clamd_daemon.address
    return clamd_daemon
