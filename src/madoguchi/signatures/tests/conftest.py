from __future__ import annotations

import datetime
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from madoguchi.signatures.crl import crl_cache
from madoguchi.signatures.payload import signing_payload
from madoguchi.signatures.verification import caches_clear

SIGNED_AT = datetime.datetime(
    2026, 4, 1, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9))
)


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


@pytest.fixture
def taro(pki: None):
    from madoguchi.signatures.testing import demo_resident

    return demo_resident("yoshida-taro")


@pytest.fixture
def hanako(pki: None):
    from madoguchi.signatures.testing import demo_resident

    return demo_resident("yoshida-hanako")


def make_payload(
    *, answers: dict[str, Any] | None = None, attachments: list[dict[str, str]] | None = None
) -> bytes:
    return signing_payload(
        procedure_code="disaster-certificate",
        municipality_code="131016",
        form_version_hash="sha256:" + "ab" * 32,
        answers=answers
        if answers is not None
        else {"applicant_name": "𠮷田　太郎", "damage": "床上浸水"},
        attachments=attachments
        if attachments is not None
        else [{"name": "写真.jpg", "sha256": "0" * 64}],
        signed_at=SIGNED_AT,
    )


@pytest.fixture
def payload() -> bytes:
    return make_payload()


def openssl(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    binary = shutil.which("openssl")
    assert binary, "the openssl command line tool is required"
    return subprocess.run([binary, *map(str, args)], capture_output=True, check=False)
