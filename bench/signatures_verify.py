"""Signature verifications per second, with warm and cold caches.

    .venv/bin/python bench/signatures_verify.py [--seconds 3]

Builds a throw-away SQLite database (master data, demo residents, demo PKI) in a temporary
directory, signs one payload per demo resident, then measures `signature_verify`:

- warm:            CRLs and the validation outcome cached (the steady state of submissions)
- warm CRL only:   outcome cache emptied before each call (pyhanko path + CRL validation runs)
- cold:            every cache emptied before each call (CRL fetched and checked, then pyhanko)
- bare RSA:        the RSA PKCS#1 v1.5 check alone, the floor

CRLs come from the 'platform' fetcher (this platform's database), so "cold" excludes network time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def rate(label: str, seconds: float, call: Callable[[int], None]) -> float:
    call(0)  # warm-up outside the clock
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        call(count)
        count += 1
    per_second = count / elapsed
    print(f"{label:<16} {per_second:10.0f} /s   {1e6 / per_second:9.1f} µs per verification")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="madoguchi-bench-")
    os.environ["MADOGUCHI_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cryptography.hazmat.primitives.asymmetric import padding

    from madoguchi.accounts.services import demo_data_load
    from madoguchi.municipalities.services import municipality_master_load
    from madoguchi.signatures.payload import signing_payload
    from madoguchi.signatures.services import pki_setup_demo
    from madoguchi.signatures.testing import sign_as
    from madoguchi.signatures.verification import (
        _parse,
        caches_clear,
        outcome_cache,
        signature_verify,
    )

    municipality_master_load()
    demo_data_load()
    pki_setup_demo()
    from madoguchi.signatures.services import demo_residents

    signed = []
    for resident in demo_residents():
        payload = signing_payload(
            procedure_code="disaster-certificate",
            municipality_code="131016",
            form_version_hash="sha256:" + "ab" * 32,
            answers={"applicant": resident.name, "damage": "床上浸水"},
            attachments=[{"name": "写真.jpg", "sha256": "0" * 64}],
            signed_at=datetime.datetime.now(datetime.UTC),
        )
        signed.append((payload, sign_as(resident, payload)))
    for payload, cms_der in signed:
        assert signature_verify(payload=payload, cms_der=cms_der).ok

    def warm(i: int) -> None:
        payload, cms_der = signed[i % len(signed)]
        result = signature_verify(payload=payload, cms_der=cms_der)
        assert result.ok
        assert result.cached

    def warm_crl_only(i: int) -> None:
        outcome_cache.clear()
        payload, cms_der = signed[i % len(signed)]
        result = signature_verify(payload=payload, cms_der=cms_der)
        assert result.ok
        assert not result.cached

    def cold(i: int) -> None:
        caches_clear()
        payload, cms_der = signed[i % len(signed)]
        assert signature_verify(payload=payload, cms_der=cms_der).ok

    parsed = [(payload, _parse(cms_der)) for payload, cms_der in signed]

    def bare(i: int) -> None:
        _, item = parsed[i % len(parsed)]
        key = item.certificate.public_key()
        from cryptography.hazmat.primitives import hashes

        key.verify(item.signature, item.signed_attrs_der, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,arg-type,call-arg]

    import platform

    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, one thread, "
        f"{len(signed)} certificates, SQLite in {workdir}"
    )
    rate("warm", args.seconds, warm)
    rate("warm CRL only", args.seconds, warm_crl_only)
    rate("cold", args.seconds, cold)
    rate("bare RSA", args.seconds, bare)


if __name__ == "__main__":
    main()
