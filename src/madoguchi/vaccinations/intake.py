"""Reading a clinic's CSV: encoding, rows, and every check, in constant memory.

A file is read twice, never held whole: once to tell its encoding (UTF-8, UTF-8 with a BOM, or
cp932, decoded incrementally), once through csv.reader, BATCH rows at a time. Each batch looks its
vouchers up in one query and is written to UploadRow with the errors found in the row alone;
then the checks across rows (duplicates, dose order) walk the staged rows resident by resident,
a bounded batch of residents at a time, against the records already held.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Record, UploadRow, Voucher
from .types import (
    COLUMN_DATE,
    COLUMN_DOSE,
    COLUMN_LOT,
    COLUMN_MUNICIPALITY,
    COLUMN_PRODUCT,
    COLUMN_SITE,
    COLUMN_VOUCHER,
    CSV_COLUMNS,
    MAX_DOSE,
    PRODUCTS,
)

if TYPE_CHECKING:
    from .models import Upload

BATCH = 1000
RESIDENT_BATCH = 500
_CHUNK = 1 << 16
_DIGITS = {6: re.compile(r"\d{6}"), 10: re.compile(r"\d{10}")}
_LOT = re.compile(r"[0-9A-Za-z\-]{1,32}")
_PRODUCT_BY_NAME = {p.name: p.code for p in PRODUCTS.values()}


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header); .message is Japanese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def detect_encoding(raw: IO[bytes]) -> str:
    """'utf-8-sig' (a BOM), 'utf-8' or 'cp932', by decoding the whole file incrementally."""
    raw.seek(0)
    head = raw.read(3)
    candidates = ["utf-8-sig"] if head == codecs.BOM_UTF8 else ["utf-8", "cp932"]
    for name in candidates:
        raw.seek(0)
        decoder = codecs.getincrementaldecoder(name)(errors="strict")
        try:
            while chunk := raw.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return name
    raise FileProblem(
        _("The file's character encoding could not be read. Save it as UTF-8 or Shift_JIS.")
    )


def _date(value: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _error(column: str, message: str) -> dict[str, str]:
    return {"column": column, "message": message}


def parse_row(
    cells: dict[str, str], *, served: set[str], today: datetime.date
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The row's values and the errors found in the row alone."""
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}

    code = cells.get(COLUMN_MUNICIPALITY, "").strip()
    values["municipality_code"] = code[:6]
    if not _DIGITS[6].fullmatch(code):
        errors.append(_error(COLUMN_MUNICIPALITY, _("Enter the 6-digit municipality code.")))
    elif code not in served:
        errors.append(
            _error(
                COLUMN_MUNICIPALITY,
                _("Your institution does not serve municipality %(code)s.") % {"code": code},
            )
        )

    voucher = cells.get(COLUMN_VOUCHER, "").strip()
    values["voucher_number"] = voucher[:32]
    if not _DIGITS[10].fullmatch(voucher):
        errors.append(_error(COLUMN_VOUCHER, _("Enter the 10-digit voucher number.")))

    raw_date = cells.get(COLUMN_DATE, "").strip()
    when = _date(raw_date)
    values["administered_on"] = when
    if when is None:
        errors.append(_error(COLUMN_DATE, _("Enter the date as YYYY-MM-DD (e.g. 2026-04-01).")))
    elif when > today:
        errors.append(_error(COLUMN_DATE, _("The date is in the future.")))

    product = cells.get(COLUMN_PRODUCT, "").strip()
    product = _PRODUCT_BY_NAME.get(product, product.lower())
    values["product"] = product[:32]
    if product not in PRODUCTS:
        errors.append(_error(COLUMN_PRODUCT, _("This vaccine product is not known.")))

    lot = cells.get(COLUMN_LOT, "").strip()
    values["lot"] = lot[:32]
    if not _LOT.fullmatch(lot):
        errors.append(
            _error(COLUMN_LOT, _("Enter the lot number (up to 32 letters, digits or hyphens)."))
        )

    dose = cells.get(COLUMN_DOSE, "").strip()
    values["dose_number"] = (
        int(dose) if dose.isascii() and dose.isdigit() and len(dose) < 3 else None
    )
    if values["dose_number"] is None or not 1 <= values["dose_number"] <= MAX_DOSE:
        values["dose_number"] = None
        errors.append(
            _error(
                COLUMN_DOSE, _("Enter the dose as a number from 1 to %(max)d.") % {"max": MAX_DOSE}
            )
        )

    site = cells.get(COLUMN_SITE, "").strip()
    values["site_code"] = site[:32]
    if not _DIGITS[10].fullmatch(site):
        errors.append(_error(COLUMN_SITE, _("Enter the 10-digit medical institution code.")))
    return values, errors


def _rows(text: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem(_("The file is empty.")) from None
    except csv.Error:
        raise FileProblem(_("The file is not a CSV file.")) from None
    names = [name.strip() for name in header]
    missing = [column for column in CSV_COLUMNS if column not in names]
    if missing:
        raise FileProblem(
            _("The header row lacks these columns: %(columns)s.") % {"columns": "、".join(missing)}
        )
    index = {name: names.index(name) for name in CSV_COLUMNS}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise FileProblem(
                _("Line %(line)d could not be read as CSV.") % {"line": reader.line_num}
            ) from None
        if not any(cell.strip() for cell in row):
            continue
        yield reader.line_num, {name: (row[i] if i < len(row) else "") for name, i in index.items()}


def stage_rows(
    upload: Upload, raw: IO[bytes], *, encoding: str, served: set[str], progress: Any
) -> int:
    """Read the rows into UploadRow (BATCH at a time); returns how many were read."""
    today = timezone.localdate()
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    batch: list[UploadRow] = []
    total = 0
    for line, cells in _rows(text):
        values, errors = parse_row(cells, served=served, today=today)
        batch.append(UploadRow(upload=upload, line=line, errors=errors, **values))
        if len(batch) >= BATCH:
            total += _flush(batch)
            progress(total, raw.tell())
            batch = []
    if batch:
        total += _flush(batch)
    progress(total, upload.size)
    return total


def _flush(batch: list[UploadRow]) -> int:
    """Resolve the batch's vouchers in one query, then insert the batch."""
    identity = {COLUMN_MUNICIPALITY, COLUMN_VOUCHER}
    wanted = {
        (r.municipality_code, r.voucher_number)
        for r in batch
        if not any(e["column"] in identity for e in r.errors)
    }
    found: dict[tuple[str, str], int] = {}
    if wanted:
        codes = {code for code, _number in wanted}
        numbers = {number for _code, number in wanted}
        for code, number, resident_id in Voucher.objects.filter(
            municipality_id__in=codes, number__in=numbers
        ).values_list("municipality_id", "number", "resident_id"):
            found[(code, number)] = resident_id
    for row in batch:
        key = (row.municipality_code, row.voucher_number)
        if key in found:
            row.resident_id = found[key]
        elif not any(e["column"] in identity for e in row.errors):
            row.errors.append(_error(COLUMN_VOUCHER, _("No resident holds this voucher number.")))
        row.has_errors = bool(row.errors)
    UploadRow.objects.bulk_create(batch, batch_size=BATCH)
    return len(batch)


def check_across_rows(upload: Upload) -> None:
    """Duplicates (in the file, or already registered) and dose order, resident by resident."""
    rows = UploadRow.objects.filter(upload=upload, has_errors=False, resident__isnull=False)
    last = 0
    while True:
        ids = list(
            rows.filter(resident_id__gt=last)
            .order_by("resident_id")
            .values_list("resident_id", flat=True)
            .distinct()[:RESIDENT_BATCH]
        )
        if not ids:
            return
        last = ids[-1]
        existing: dict[int, dict[int, tuple[datetime.date, str]]] = {}
        for resident_id, dose, day, product in Record.objects.filter(
            resident_id__in=ids, voided_at__isnull=True
        ).values_list("resident_id", "dose_number", "administered_on", "product"):
            existing.setdefault(resident_id, {})[dose] = (day, product)
        flagged: list[UploadRow] = []
        group: list[UploadRow] = []
        for row in rows.filter(resident_id__in=ids).order_by("resident_id", "dose_number", "line"):
            if group and group[0].resident_id != row.resident_id:
                flagged += _check_group(group, existing.get(group[0].resident_id or 0, {}))
                group = []
            group.append(row)
        if group:
            flagged += _check_group(group, existing.get(group[0].resident_id or 0, {}))
        UploadRow.objects.bulk_update(flagged, ["errors", "has_errors"], batch_size=BATCH)


def _check_group(
    group: Iterable[UploadRow], existing: dict[int, tuple[datetime.date, str]]
) -> list[UploadRow]:
    known: dict[int, tuple[datetime.date, str]] = dict(existing)
    first_line: dict[int, int] = {}
    flagged = []
    for row in group:
        dose = row.dose_number or 0
        day = row.administered_on
        assert day is not None
        message, column = "", COLUMN_DOSE
        if dose in existing:
            held_day, held_product = existing[dose]
            if held_day == day and held_product == row.product:
                message = _("This vaccination is already registered (duplicate).")
            else:
                message = _("Dose %(dose)d is already registered (%(date)s).") % {
                    "dose": dose,
                    "date": held_day.isoformat(),
                }
        elif dose in first_line:
            message = _("Line %(line)d has the same dose for this person (duplicate).") % {
                "line": first_line[dose]
            }
        elif dose > 1 and dose - 1 not in known:
            message = _("Dose %(dose)d cannot be registered without dose %(previous)d.") % {
                "dose": dose,
                "previous": dose - 1,
            }
        elif dose > 1 and known[dose - 1][0] >= day:
            column = COLUMN_DATE
            message = _("The date must be after dose %(previous)d (%(date)s).") % {
                "previous": dose - 1,
                "date": known[dose - 1][0].isoformat(),
            }
        elif dose + 1 in existing and existing[dose + 1][0] <= day:
            column = COLUMN_DATE
            message = _("The date must be before dose %(next)d (%(date)s).") % {
                "next": dose + 1,
                "date": existing[dose + 1][0].isoformat(),
            }
        if message:
            row.errors = [*row.errors, _error(column, message)]
            row.has_errors = True
            flagged.append(row)
        else:
            known[dose] = (day, row.product)
            first_line[dose] = row.line
    return flagged
