"""接種証明書 as a PDF (WeasyPrint, Noto Sans JP, the SMART Health Card QR in the page), laid
out as apply's PDF copy is: real text in complete TTF fonts embedded as subsets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from madoguchi.core import pdf as core_pdf

from . import shc
from .types import PRODUCTS

if TYPE_CHECKING:
    from .models import Certificate

_CSS = Path(__file__).with_name("pdf.css")


def certificate_context(*, certificate: Certificate) -> dict[str, Any]:
    resident = certificate.resident
    records = list(certificate.records.order_by("dose_number"))
    return {
        "certificate": certificate,
        "resident": resident,
        "municipality": certificate.municipality,
        "records": [(r, PRODUCTS[r.product]) for r in records],
        "issued_at": timezone.localtime(certificate.issued_at),
        "qr": shc.qr_png_data_uri(certificate.jws, scale=4),
    }


def certificate_pdf(*, certificate: Certificate) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(
        "vaccinations/pdf/certificate.html", certificate_context(certificate=certificate)
    )
    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=core_pdf.font_face_css(), font_config=fonts),
        CSS(string=_CSS.read_text(encoding="utf-8"), font_config=fonts),
    ]
    data: bytes = HTML(string=html, base_url=str(_CSS.parent)).write_pdf(
        stylesheets=stylesheets, font_config=fonts
    )
    return data
