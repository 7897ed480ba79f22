"""Print the current TOTP code of a demo staff user, so no authenticator app or oathtool is
needed to try the staff console. Development only; demo users only."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.accounts.services import DEMO_DATA
from madoguchi.accounts.staff_auth import NotADemoUser, demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current 6-digit code of a demo staff user's authenticator (development only). "
        "The code alone goes to standard output; how long it stays valid to standard error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="A demo staff user, e.g. chiyoda-worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError("Demo codes are for development only (MADOGUCHI_ENV).")
        staff = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["staff"]
        demo_usernames = [person["username"] for person in staff]
        try:
            result = demo_totp_code(username=options["username"], demo_usernames=demo_usernames)
        except NotADemoUser:
            raise CommandError(
                f"{options['username']!r} is not a demo staff user with the demo key "
                f"(run `manage.py reception_setup_demo`; demo users: {', '.join(demo_usernames)})."
            ) from None
        self.stdout.write(result.code)
        self.stderr.write(f"valid for {result.seconds_left} more seconds; each code works once")
