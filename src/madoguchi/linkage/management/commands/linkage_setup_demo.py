from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.linkage.services import linkage_demo_load


class Command(BaseCommand):
    help = (
        "Register the hub, the agencies of every municipality with residents (each with its own "
        "signing key), the access list, and the demo 地方税/児童手当 records. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = linkage_demo_load()
        self.stdout.write(f"linkage: hub, agencies and {written} holder records ready")
