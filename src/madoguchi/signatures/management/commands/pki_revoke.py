from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.signatures.models import CertificateKind, IssuedCertificate
from madoguchi.signatures.services import (
    certificate_revoke,
    revocation_reason,
    signing_certificate_renew,
)


class Command(BaseCommand):
    help = (
        "Revoke a certificate of the development PKI and publish a new CRL. With --resident, "
        "revoke that resident's signing certificate; add --renew to issue a new one (address "
        "change)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--serial", help="decimal serial number of the certificate")
        target.add_argument("--resident", help="resident identifier (UUID 'subject')")
        parser.add_argument(
            "--reason",
            default="affiliation_changed",
            help="RFC 5280 reason, e.g. affiliation_changed, key_compromise",
        )
        parser.add_argument(
            "--renew",
            action="store_true",
            help="issue a new signing certificate with the current data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reason = options["reason"]
        try:
            revocation_reason(reason)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["resident"]:
            issued = (
                IssuedCertificate.objects.filter(
                    card__resident__subject=options["resident"], kind=CertificateKind.SIGNING
                )
                .order_by("-created_at", "-pk")
                .first()
            )
            if issued is None:
                raise CommandError("that resident has no signing certificate")
            if options["renew"]:
                new = signing_certificate_renew(resident=issued.card.resident, reason=reason)  # type: ignore[union-attr]
                self.stdout.write(f"revoked {issued.serial}, issued {new.serial}")
                return
        else:
            issued = IssuedCertificate.objects.filter(serial=options["serial"]).first()
            if issued is None:
                raise CommandError("no certificate with that serial")
        crl = certificate_revoke(certificate=issued, reason=reason)
        self.stdout.write(f"revoked {issued.serial}; CRL {crl.authority.slug} #{crl.number}")
