from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from madoguchi.campaigns import services
from madoguchi.campaigns.progress import ProgressBar
from madoguchi.campaigns.selectors import counts

from ._campaign import campaign_arg


class Command(BaseCommand):
    help = "Send the notices of a benefit campaign (idempotent; freezes the campaign)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's public id")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = campaign_arg(options["campaign"])
        total = counts(
            campaign=campaign, municipality_codes=services.campaign_municipalities(campaign)
        ).eligible
        bar = ProgressBar(self.stdout, total=total, label="notices")
        try:
            created = services.campaign_push(campaign=campaign, progress=bar)
        except services.CampaignError as error:
            bar.close()
            self.stderr.write(error.message)
            raise SystemExit(1) from error
        bar.close()
        self.stdout.write(f"notices created: {created} (of {total} households)")
