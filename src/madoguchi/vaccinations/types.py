"""Choices and shapes of the vaccination record system that other apps and the CSV format use."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    CLINIC_UPLOAD = "clinic_upload", _("Clinic upload")
    STAFF_ENTRY = "staff_entry", _("Entered by staff")
    TRANSFER = "transfer", _("Taken over on moving in")


class UploadStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Being registered")
    IMPORTED = "imported", _("Registered")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Could not be read")


class ChangeKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    VOID = "void", _("Void")


@dataclass(frozen=True)
class Product:
    """A vaccine product the platform knows. `cvx` is the CDC CVX code a SMART Health Card
    names it by; `code` is what the clinic CSV and the records use."""

    code: str
    name: str
    manufacturer: str
    cvx: str


PRODUCTS: dict[str, Product] = {
    p.code: p
    for p in (
        Product("comirnaty", "コミナティ筋注", "ファイザー", "208"),
        Product("spikevax", "スパイクバックス筋注", "モデルナ", "207"),
        Product("nuvaxovid", "ヌバキソビッド筋注", "武田薬品工業", "211"),
        Product("daichirona", "ダイチロナ筋注", "第一三共", "213"),
    )
}

PRODUCT_CHOICES = [(p.code, f"{p.name}（{p.manufacturer}）") for p in PRODUCTS.values()]

MAX_DOSE = 10

# The clinic CSV: one header row with these names (in any order; other columns are ignored).
# The names are the file format (docs/vaccinations.md), not page text.
COLUMN_MUNICIPALITY = "市区町村コード"
COLUMN_VOUCHER = "接種券番号"
COLUMN_DATE = "接種日"
COLUMN_PRODUCT = "ワクチン"
COLUMN_LOT = "ロット番号"
COLUMN_DOSE = "接種回数"
COLUMN_SITE = "医療機関コード"
CSV_COLUMNS = (
    COLUMN_MUNICIPALITY,
    COLUMN_VOUCHER,
    COLUMN_DATE,
    COLUMN_PRODUCT,
    COLUMN_LOT,
    COLUMN_DOSE,
    COLUMN_SITE,
)


@dataclass(frozen=True)
class TransferredRecord:
    """One record as the former municipality hands it over on a move-in (transfer.py)."""

    public_id: str
    product: str
    lot: str
    dose_number: int
    administered_on: str  # ISO 8601 date
    site_code: str
