"""The counter-count CSV from a municipality's core system: parsed and checked row by row, each
error naming its row and column in Japanese; nothing is written here (services import)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

COLUMNS = ("municipality_code", "procedure_code", "month", "count")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
MAX_ROWS = 50_000
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class CounterRow:
    municipality_code: str
    procedure_code: str
    month: datetime.date
    count: int


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file, the header being line 1
    column: str
    message: str


@dataclass(frozen=True)
class Parsed:
    rows: list[CounterRow]
    errors: list[RowError]


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse(data: bytes, *, municipality_codes: set[str], procedure_codes: set[str]) -> Parsed:
    """Rows that are valid for these municipalities and procedures, and an error for each one
    that is not. Months in the future and duplicate (municipality, procedure, month) rows are
    errors."""
    text = _decode(data)
    if text is None:
        return Parsed([], [RowError(0, "", _("The file is neither UTF-8 nor Shift_JIS text."))])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return Parsed([], [RowError(0, "", _("The file is empty."))])
    header = [name.strip() for name in header]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return Parsed(
            [],
            [
                RowError(
                    1,
                    name,
                    _("The header has no column %(column)s.") % {"column": name},
                )
                for name in missing
            ],
        )
    index = {name: header.index(name) for name in COLUMNS}
    this_month = timezone.localdate().replace(day=1)
    rows: list[CounterRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, datetime.date], int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if line - 1 > MAX_ROWS:
            errors.append(
                RowError(line, "", _("More than %(n)s rows: split the file.") % {"n": MAX_ROWS})
            )
            break
        if len(record) < len(header):
            record = record + [""] * (len(header) - len(record))
        values = {name: record[index[name]].strip() for name in COLUMNS}
        row_errors: list[RowError] = []
        code = values["municipality_code"]
        if not code:
            row_errors.append(RowError(line, "municipality_code", _("Enter the code.")))
        elif code not in municipality_codes:
            row_errors.append(
                RowError(
                    line,
                    "municipality_code",
                    _("%(code)s is not a local government you may enter figures for.")
                    % {"code": code},
                )
            )
        procedure = values["procedure_code"]
        if procedure not in procedure_codes:
            row_errors.append(
                RowError(
                    line,
                    "procedure_code",
                    _("%(code)s is not a standard procedure code.") % {"code": procedure or '""'},
                )
            )
        month = parse_month(values["month"])
        if month is None:
            row_errors.append(
                RowError(line, "month", _("Write the month as YYYY-MM, e.g. 2026-04."))
            )
        elif month > this_month:
            row_errors.append(RowError(line, "month", _("The month is in the future.")))
        count = _count(values["count"])
        if count is None:
            row_errors.append(
                RowError(
                    line,
                    "count",
                    _("Write the number of applications as a whole number from 0 to %(max)s.")
                    % {"max": f"{MAX_COUNT:,}"},
                )
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        if month is None or count is None:  # reported above
            continue
        key = (code, procedure, month)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    "month",
                    _("Row %(row)s has the same local government, procedure and month.")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = line
        rows.append(CounterRow(code, procedure, month, count))
    return Parsed(rows, errors)


def parse_month(value: str) -> datetime.date | None:
    match = MONTH.match(value.replace("/", "-"))
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def _count(value: str) -> int | None:
    digits = value.replace(",", "")
    if not digits.isascii() or not digits.isdigit():
        return None
    number = int(digits)
    return number if number <= MAX_COUNT else None
