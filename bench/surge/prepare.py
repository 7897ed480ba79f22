"""Prepare the surge benchmark: residents with cards, an API key, and pre-signed request bodies.

Runs against the database in DATABASE_URL (bench/surge.sh creates a throw-away cluster). All RSA
work happens here, before the timed window: the load generator only replays bodies.

Residents get distinct certificates (distinct serials, so the server's per-certificate caches are
exercised as with real residents) drawn from a pool of key pairs, which keeps preparation to
seconds instead of minutes of RSA key generation; verification cost does not depend on it.
"""

from __future__ import annotations

import base64
import copy
import datetime
import itertools
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

OUT = Path(os.environ.get("SURGE_DIR", "/tmp/madoguchi-surge"))
RESIDENTS = int(os.environ.get("SURGE_RESIDENTS", "400"))
# Distinct signed bodies for the timed arrival phase (bodies.jsonl). bench/surge.sh asks for as
# many as the burst can send (SURGE_SECONDS × SURGE_BODIES_PER_SECOND), so the drain examines
# receptions, not replays of a few thousand envelopes (a replay is refused signature-replayed).
BODIES = int(os.environ.get("SURGE_BODIES", "6000"))
# Bodies of the 5-second warm-up (warm.jsonl), and for the latency phase (fresh.jsonl, per
# resident): envelopes no other phase sends.
WARM_BODIES = int(os.environ.get("SURGE_WARM_BODIES", "4000"))
FRESH_PER_RESIDENT = int(os.environ.get("SURGE_FRESH_PER_RESIDENT", "5"))
KEY_POOL = 16
PROCEDURE = os.environ.get("SURGE_PROCEDURE", "child-allowance-change")


def key_pool() -> itertools.cycle[rsa.RSAPrivateKey]:
    keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(KEY_POOL)]
    return itertools.cycle(keys)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # PIN hashes of benchmark residents: the fast hasher (the server never checks them; all
    # signing happens here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for command, args in [
        ("migrate", ["-v", "0"]),
        ("load_municipalities", []),
        ("load_demo_data", []),
        ("load_catalog", ["--demo"]),
        ("forms_publish_demo", []),
    ]:
        call_command(command, *args)

    from madoguchi.accounts.models import Household, Resident
    from madoguchi.api.services import api_client_create
    from madoguchi.applications.testing import answers_naming
    from madoguchi.forms import presets
    from madoguchi.signatures import services as signature_services
    from madoguchi.signatures.payload import signing_payload

    pool = key_pool()
    signature_services.rsa_key_generate = lambda **_: next(pool)  # type: ignore[assignment]
    call_command("pki_setup_demo")

    with transaction.atomic():
        existing = Resident.objects.filter(household__code__startswith="SURGE").count()
        for i in range(existing, RESIDENTS):
            household = Household.objects.create(municipality_id="131016", code=f"SURGE{i:06d}")
            Resident.objects.create(
                municipality_id="131016",
                household=household,
                is_householder=True,
                relationship="世帯主",
                family_name="𠮷田",
                given_name=f"試験{i}",
                family_name_kana="ヨシダ",
                given_name_kana="シケン",
                birth_date=datetime.date(1980, 1 + i % 12, 1 + i % 28),
                gender="1",
                postal_code="1020083",
                address=f"東京都千代田区麹町二丁目{i}番",
                email="",
            )
    residents = list(Resident.objects.filter(household__code__startswith="SURGE").order_by("pk"))
    for resident in residents:
        signature_services.card_issue(resident=resident)

    preset = presets.preset_get(PROCEDURE)
    assert preset is not None, PROCEDURE
    assert preset.definition["signature_required"], PROCEDURE
    from madoguchi.forms.selectors import form_validate, published_form_version_for

    version = published_form_version_for(municipality_code="131016", procedure_code=PROCEDURE)
    assert version is not None

    signed_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    def body_of(resident: Resident, n: int) -> str:
        # The applicant's block names the card's holder (signer binding, issue 20); the phone
        # number makes every body of a resident a distinct payload, so a distinct envelope.
        answers = answers_naming(resident, copy.deepcopy(preset.samples[0]))
        answers["applicant.phone"] = f"03-{n // 10000:04d}-{n % 10000:04d}"
        normalised = form_validate(form_version=version, answers=answers)
        assert normalised.is_valid, normalised.errors
        payload = signing_payload(
            procedure_code=PROCEDURE,
            municipality_code="131016",
            form_version_hash=version.content_hash,
            answers=normalised.answers,
            attachments=[],
            signed_at=signed_at,
        )
        cms = signature_services.signature_sign(
            resident=resident, payload=payload, pin=signature_services.DEMO_SIGN_PIN
        )
        body = {
            "municipality_code": "131016",
            "procedure_code": PROCEDURE,
            "answers": answers,
            "signed_at": signed_at.isoformat().replace("+00:00", "Z"),
            "signature": base64.b64encode(cms).decode(),
        }
        return json.dumps(body, ensure_ascii=False) + "\n"

    count = 0
    # Round robin over the residents: consecutive requests come from different people.
    plan = [
        ("bodies.jsonl", BODIES, 0),
        ("warm.jsonl", WARM_BODIES, BODIES),
        ("fresh.jsonl", FRESH_PER_RESIDENT * len(residents), BODIES + WARM_BODIES),
    ]
    for name, how_many, start in plan:
        with (OUT / name).open("w", encoding="utf-8") as out:
            for i in range(how_many):
                n = start + i
                out.write(body_of(residents[n % len(residents)], n))
                count += 1

    client_id = "surge-bench"
    from madoguchi.api.models import ApiClient

    ApiClient.objects.filter(client_id=client_id).delete()
    # No rate limit for the load generator's key: the benchmark measures capacity, not throttling.
    _, test_key, _ = api_client_create(
        client_id=client_id, name="Surge benchmark", scopes=["search", "apply"], rate=""
    )
    (OUT / "api_key").write_text(test_key.raw, encoding="utf-8")

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        kind = "jsonb" if connection.vendor == "postgresql" else "text"
        serial = "bigserial" if connection.vendor == "postgresql" else "integer"
        cursor.execute(f"CREATE TABLE bench_floor (id {serial} PRIMARY KEY, body {kind} NOT NULL)")
    print(f"prepared {count} signed bodies for {len(residents)} residents in {OUT}")


if __name__ == "__main__":
    main()
