"""Verify a SMART Health Card offline: `manage.py vaccinations_verify (--shc TEXT | --image FILE)
[--jwks FILE]`. Without --jwks the platform's own published keys (from the database) are used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.vaccinations import verify


class Command(BaseCommand):
    help = "Verify a SMART Health Card (shc:/ text or a QR image) against a JWKS, offline."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--shc", help="the shc:/… text (or a compact JWS); - reads stdin")
        source.add_argument("--image", type=Path, help="an image (PNG, JPEG) holding the QR code")
        parser.add_argument("--jwks", type=Path, help="a JWKS file saved from the issuer")

    def handle(self, *args: Any, **options: Any) -> None:
        jwks = None
        if options["jwks"]:
            try:
                jwks = json.loads(options["jwks"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read the JWKS: {error}") from error
        if options["image"]:
            try:
                data = options["image"].read_bytes()
            except OSError as error:
                raise CommandError(f"cannot read the image: {error}") from error
            result = verify.verify_image(data, jwks=jwks)
        else:
            text = options["shc"]
            if text == "-":
                import sys

                text = sys.stdin.read()
            result = verify.verify_text(text, jwks=jwks)
        if not result.valid:
            raise CommandError(
                f"INVALID ({result.problem}) issuer={result.issuer} kid={result.kid}"
            )
        patient = result.patient
        names = " ".join(
            f"{n.get('family', '')} {' '.join(n.get('given', []))}" for n in patient.get("name", [])
        )
        self.stdout.write(f"VALID issuer={result.issuer} kid={result.kid}")
        self.stdout.write(f"patient: {names} born {patient.get('birthDate', '')}")
        for dose in result.immunizations:
            codes = ",".join(c.get("code", "") for c in dose["vaccineCode"]["coding"])
            when, lot = dose.get("occurrenceDateTime"), dose.get("lotNumber")
            self.stdout.write(f"immunization: {when} CVX {codes} lot {lot}")
