"""Demo set-up for the reception: TOTP devices with the documented key for the demo staff.

Idempotent. Refused outside development, like the other demo commands.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.accounts.services import DEMO_DATA
from madoguchi.accounts.staff_auth import DEMO_TOTP_BASE32, demo_totp_devices_setup


class Command(BaseCommand):
    help = "Give the demo staff TOTP devices with the documented demo key (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError("Demo data is for development only (MADOGUCHI_ENV).")
        staff = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["staff"]
        created = demo_totp_devices_setup(usernames=[person["username"] for person in staff])
        self.stdout.write(
            f"reception demo: {created} TOTP device(s) created; demo key (base32) "
            f"{DEMO_TOTP_BASE32} — current code: manage.py demo_totp <user>"
        )
