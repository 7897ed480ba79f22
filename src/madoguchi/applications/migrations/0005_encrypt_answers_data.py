"""Data migration: clear answers → Fernet tokens, and the keyed hash of each 個人番号.

Reversible: backwards writes the answers back as clear JSON (then 0004 turns the columns back
into JSON columns)."""

import json

from django.db import migrations

from madoguchi.core.identifiers import identifier_digest

CHUNK = 500


def _my_number(application):
    codes = [
        item["code"]
        for page in application.form_version.definition.get("pages", [])
        for item in page.get("items", [])
        if item.get("type") == "my_number"
    ]
    for code in codes:
        value = (application.answers or {}).get(code)
        if isinstance(value, str) and value:
            return value
    return ""


def encrypt(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    for application in Application.objects.select_related("form_version").iterator(CHUNK):
        # Reading parses the clear JSON; saving writes tokens (EncryptedJSONField).
        application.my_number_digest = identifier_digest(_my_number(application))
        application.save(update_fields=["raw_answers", "answers", "my_number_digest"])


def decrypt(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    table = Application._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        for application in Application.objects.iterator(CHUNK):
            cursor.execute(
                f"UPDATE {table} SET raw_answers = %s, answers = %s WHERE id = %s",  # noqa: S608
                [
                    json.dumps(application.raw_answers, ensure_ascii=False),
                    json.dumps(application.answers, ensure_ascii=False),
                    application.pk,
                ],
            )


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_encrypted_answers")]
    operations = [migrations.RunPython(encrypt, decrypt)]
