from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.accounts.selectors import resident_list
from madoguchi.signatures.services import DEMO_SIGN_PIN, card_issue


class Command(BaseCommand):
    help = (
        "Issue a virtual My Number Card (demo PINs) to residents who have none — e.g. a person "
        "who became a resident by signing in — with their current 基本4情報 (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("resident_ids", nargs="*", type=int, help="resident ids (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError("Virtual cards are refused outside development.")
        residents = resident_list().filter(signature_card__isnull=True)
        if options["resident_ids"]:
            residents = residents.filter(pk__in=options["resident_ids"])
        for resident in residents:
            card_issue(resident=resident)
            self.stdout.write(f"card issued: resident {resident.pk} {resident.name}")
        self.stdout.write(f"signing PIN of the new cards: {DEMO_SIGN_PIN}")
