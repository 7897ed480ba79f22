from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from madoguchi.campaigns import services
from madoguchi.campaigns.progress import ProgressBar

from ._campaign import campaign_arg


class Command(BaseCommand):
    help = "Compute a benefit campaign's eligible households (streaming, with a progress bar)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's public id")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = campaign_arg(options["campaign"])
        bar = ProgressBar(
            self.stdout, total=services.households_total(campaign), label="households"
        )
        try:
            eligible = services.eligibility_compute(campaign=campaign, progress=bar)
        except services.CampaignError as error:
            bar.close()
            self.stderr.write(error.message)
            raise SystemExit(1) from error
        bar.close()
        self.stdout.write(f"eligible households: {eligible}")
