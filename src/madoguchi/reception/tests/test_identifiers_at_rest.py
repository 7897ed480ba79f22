"""個人番号 at rest: never in clear in the database file, in log output, in any export format or
on an error page — while the application still reads it back and finds it by its keyed hash."""

from __future__ import annotations

import io
import logging
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class
from pypdf import PdfReader

from madoguchi.applications.arrivals import arrivals_work
from madoguchi.applications.models import Application
from madoguchi.applications.selectors import applications_by_my_number
from madoguchi.applications.services import application_answers_save
from madoguchi.apply.tests.conftest import publish, sign_in
from madoguchi.core.identifiers import identifier_digest
from madoguchi.forms import presets
from madoguchi.forms.redaction import MyNumberSafeExceptionReporterFilter, redact
from madoguchi.reception.exports import FORMATS
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.testing import demo_resident

NUMBER = "123456789018"  # the demo 個人番号 of the presets' samples (valid check digit)
MASKED = "********9018"
CLEAR = NUMBER.encode()


@pytest.fixture
def console_log():
    """The stream of the console handler that settings.LOGGING configures (with its filters)."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous if previous is not None else sys.stderr)


@pytest.fixture
def submitted(client, pki, catalog, demo):
    """A 介護保険被保険者証の再交付 application with the demo 個人番号, sent through the web."""
    form_version = publish("care-insurance-card-reissue")
    taro = demo_resident("yoshida-taro")
    sign_in(client, taro)
    client.post(f"/apply/start/{form_version.pk}/")
    application = Application.objects.get()
    preset = presets.preset_get("care-insurance-card-reissue")
    assert preset is not None and NUMBER in preset.samples[0].values()
    application_answers_save(application=application, answers=preset.samples[0])
    response = client.post(f"/apply/{application.public_id}/submit/")
    assert response["Location"].endswith("/arrival/")
    assert arrivals_work() == 1
    application.refresh_from_db()
    assert application.receipt_number
    return application


def _database_bytes() -> bytes:
    name = Path(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = name.with_name(name.name + "-wal")
    return name.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.django_db(transaction=True)
def test_the_number_is_nowhere_in_clear_at_rest_but_reads_back(submitted, console_log):
    application = Application.objects.get(pk=submitted.pk)
    key = next(k for k, v in application.answers.items() if v == NUMBER)
    assert application.raw_answers[key] == NUMBER  # decrypted on read
    assert application.my_number_digest == identifier_digest(NUMBER)
    assert list(applications_by_my_number(my_number=NUMBER, municipality_codes=["131016"])) == [
        application
    ]
    assert not applications_by_my_number(my_number=NUMBER, municipality_codes=["141003"]).exists()

    with connection.cursor() as cursor:
        cursor.execute("SELECT raw_answers, answers FROM applications_application")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert NUMBER not in stored and stored.startswith("gAAAAA")

    if connection.vendor == "sqlite":
        data = _database_bytes()
        # The grep looks at the right, committed file: the receipt number is there in clear.
        assert str(application.receipt_number).encode() in data
        assert CLEAR not in data
        assert NUMBER.encode("utf-16-le") not in data

    logging.getLogger("madoguchi.test").warning("answers received: %s", application.answers)
    log = console_log.getvalue()
    assert MASKED in log  # the careless line was written, masked
    assert NUMBER not in log


@pytest.mark.django_db
def test_no_export_format_holds_the_number_in_clear(client, submitted):
    staff_login(client, "chiyoda-worker")
    seen_masked = set()
    for fmt in FORMATS:
        response = client.get(f"/staff/reception/export/{fmt}/")
        assert response.status_code == 200, fmt
        content = b"".join(response.streaming_content)
        texts = [content]
        if content.startswith(b"PK"):
            archive = zipfile.ZipFile(io.BytesIO(content))
            texts = [archive.read(name) for name in archive.namelist()]
        for blob in texts:
            if blob.startswith(b"%PDF"):
                text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(blob)).pages)
                blob = text.encode()
            decoded = blob.decode("utf-8", "ignore") + blob.decode("cp932", "ignore")
            assert NUMBER not in decoded, fmt
            if MASKED in decoded:
                seen_masked.add(fmt)
    # The item is exported (masked), so the absence above is not an empty export.
    assert seen_masked == set(FORMATS)


def test_error_pages_and_log_lines_mask_the_number():
    request = RequestFactory().post("/apply/x/", {"insured.my_number": "1234 5678 9018"})
    answers = {"insured.my_number": NUMBER}  # a local variable of the failing frame
    try:
        raise ValueError(f"cannot store {answers}")
    except ValueError:
        exc_type, exc, tb = sys.exc_info()
    reporter_class: Any = get_exception_reporter_class(request)  # DEFAULT_EXCEPTION_REPORTER
    reporter = reporter_class(request, exc_type, exc, tb)
    assert isinstance(reporter.filter, MyNumberSafeExceptionReporterFilter)
    for page in (reporter.get_traceback_html(), reporter.get_traceback_text()):
        assert "answers" in page and MASKED in page
        assert NUMBER not in page and "1234 5678 9018" not in page
    # Only valid numbers are masked: other 12-digit values (a wrong check digit) stay.
    assert redact("１２３４５６７８９０１８ 123456789019") == f"{MASKED} 123456789019"


def _stored_answers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM applications_application")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_decrypts_backwards_and_encrypts_forwards(submitted):
    executor = MigrationExecutor(connection)
    executor.migrate([("applications", "0003_application_is_test")])
    assert NUMBER in _stored_answers()  # backwards: clear JSON again, in a JSON column
    executor = MigrationExecutor(connection)
    # Forwards through the encryption to the newest migration, so the models match the tables.
    executor.migrate(executor.loader.graph.leaf_nodes("applications"))
    stored = _stored_answers()
    assert stored.startswith("gAAAAA") and NUMBER not in stored
    application = Application.objects.get(pk=submitted.pk)
    assert NUMBER in application.answers.values()
    assert application.my_number_digest == identifier_digest(NUMBER)


@pytest.mark.django_db
def test_rotation_reencrypts_under_the_new_key_first(submitted, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old = list(settings.IDENTIFIER_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    settings.IDENTIFIER_ENCRYPTION_KEYS = [new, *old]
    settings.IDENTIFIER_HASH_KEY = "a-new-hash-key-of-at-least-32-characters"
    out = io.StringIO()
    call_command("identifiers_reencrypt", stdout=out)
    assert "re-encrypted 1 applications" in out.getvalue()
    token = _stored_answers()
    assert NUMBER in Fernet(new.encode()).decrypt(token.encode()).decode()
    settings.IDENTIFIER_ENCRYPTION_KEYS = [new]  # the old key removed: still readable
    application = Application.objects.get(pk=submitted.pk)
    assert application.answers == submitted.answers
    assert application.my_number_digest == identifier_digest(NUMBER) != submitted.my_number_digest
