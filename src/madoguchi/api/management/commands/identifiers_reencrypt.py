"""Re-encrypt every encrypted column with the newest key and recompute the keyed hashes.

Key rotation (docs/operations.md): put the new key first in IDENTIFIER_ENCRYPTION_KEYS (keep the
old ones after it), deploy, run this command, then remove the old keys. After changing
IDENTIFIER_HASH_KEY, run it too: the look-up hashes are recomputed from the decrypted answers.
Idempotent; safe to run while the platform serves (each row is rewritten on its own).
Lives in the api app, the top of what it rewrites: applications' answers and the API's stored
responses.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.api.models import IdempotencyRecord
from madoguchi.applications.services import applications_identifiers_reencrypt

CHUNK = 500


class Command(BaseCommand):
    help = "Re-encrypt identifiers with the newest key (rotation) and recompute keyed hashes."

    def handle(self, *args: Any, **options: Any) -> None:
        count = applications_identifiers_reencrypt(chunk=CHUNK)
        records = 0
        for record in IdempotencyRecord.objects.iterator(CHUNK):
            record.save(update_fields=["response_body"])
            records += 1
        self.stdout.write(f"re-encrypted {count} applications and {records} stored API responses")
