from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.signatures import selectors, services
from madoguchi.signatures.models import CertificateKind


class Command(BaseCommand):
    help = (
        "Write a demo resident's signing certificate, private key, issuing CA, root and the "
        "current CRLs as PEM files, for `openssl cms -sign` and `-verify` (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("demo_key", help="demo resident key from demo.json, e.g. yoshida-taro")
        parser.add_argument("--out", default=".", help="directory to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.IS_DEVELOPMENT:
            raise CommandError("private keys are exported only in development")
        from madoguchi.accounts.services import demo_resident_subject

        subject = demo_resident_subject(options["demo_key"])
        resident = next((r for r in services.demo_residents() if r.subject == subject), None)
        card = selectors.card_get(resident=resident) if resident else None
        issued = (
            selectors.card_certificate(card=card, kind=CertificateKind.SIGNING) if card else None
        )
        if issued is None:
            raise CommandError("no such demo resident with a card; run pki_setup_demo first")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        certificate = x509.load_der_x509_certificate(bytes(issued.certificate_der))
        key = services.card_signing_key(issued=issued)
        root = selectors.authority_get(slug=selectors.ROOT)
        assert root is not None
        files = {
            "signer.pem": certificate.public_bytes(Encoding.PEM),
            "signer.key": key.private_bytes(
                Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            "chain.pem": selectors.authority_certificate(authority=issued.authority).public_bytes(
                Encoding.PEM
            ),
            "root.pem": selectors.authority_certificate(authority=root).public_bytes(Encoding.PEM),
            # The current CRLs of the signing CA and the root, for `openssl cms -verify
            # -crl_check_all -CRLfile crls.pem` (the same bytes /pki/crl/… serves, as PEM).
            "crls.pem": b"".join(
                x509.load_der_x509_crl(der).public_bytes(Encoding.PEM)
                for der in (
                    services.crl_current_der(slug=issued.authority.slug),
                    services.crl_current_der(slug=selectors.ROOT),
                )
                if der is not None
            ),
        }
        for name, data in files.items():
            path = out / name
            path.write_bytes(data)
            if name.endswith(".key"):
                path.chmod(0o600)
            self.stdout.write(str(path))
