"""Data migration: stored idempotent responses (which may echo answers) → Fernet tokens.
Reversible: backwards writes clear JSON again."""

import json

from django.db import migrations


def encrypt(apps, schema_editor):
    Record = apps.get_model("api", "IdempotencyRecord")
    for record in Record.objects.iterator(500):
        record.save(update_fields=["response_body"])


def decrypt(apps, schema_editor):
    Record = apps.get_model("api", "IdempotencyRecord")
    table = Record._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        for record in Record.objects.iterator(500):
            cursor.execute(
                f"UPDATE {table} SET response_body = %s WHERE id = %s",  # noqa: S608
                [json.dumps(record.response_body, ensure_ascii=False), record.pk],
            )


class Migration(migrations.Migration):
    dependencies = [("api", "0002_encrypted_response_body")]
    operations = [migrations.RunPython(encrypt, decrypt)]
