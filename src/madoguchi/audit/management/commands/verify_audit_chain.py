from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.anchors import audit_anchor_verify
from madoguchi.audit.selectors import audit_chain_verify


def _chain_name(code: str) -> str:
    return f"chain {code}" if code else "national/system chain"


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chains (one per municipality); exits non-zero naming the "
        "first broken event and its chain."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--municipality",
            metavar="CODE",
            help='verify only this municipality\'s chain ("" for the national/system chain)',
        )
        parser.add_argument(
            "--no-anchor",
            action="store_true",
            help="skip the check against the newest anchor (signed chain heads)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code: str | None = options["municipality"]
        report = audit_chain_verify(municipality_code=code)
        if not report.ok:
            raise CommandError(
                f"audit {_chain_name(report.chain or '')} broken at event "
                f"#{report.broken_sequence}: {report.reason} "
                f"({report.checked} events verified before it)"
            )
        scope = _chain_name(code) if code is not None else f"{report.chains} chains"
        self.stdout.write(f"audit log intact: {report.checked} events verified in {scope}")
        if options["no_anchor"]:
            return
        anchored = audit_anchor_verify()
        if not anchored.ok:
            where = f" ({_chain_name(anchored.chain)})" if anchored.chain is not None else ""
            raise CommandError(f"audit anchor check failed{where}: {anchored.problem}")
        if anchored.anchors == 0:
            self.stdout.write(
                "no audit anchor published yet: removal of the newest events is not checked "
                "(manage.py audit_anchor_publish)"
            )
        else:
            self.stdout.write(
                f"matches the newest anchor {anchored.name} (published "
                f"{anchored.published_at}): {anchored.chains} chains"
            )
