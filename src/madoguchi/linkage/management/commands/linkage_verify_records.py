from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.linkage import hub, selectors


class Command(BaseCommand):
    help = "Check every agency's hash chain of exchange records (情報提供等記録)."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = []
        for agency in selectors.agencies_all():
            record = hub.chain_verify(agency_code=agency.code)
            if record is not None:
                broken.append(f"{agency.code}: record {record.pk} ({record.exchange_id})")
        if broken:
            raise CommandError("altered or missing records: " + "; ".join(broken))
        self.stdout.write("linkage records: every chain intact")
