"""Exports of received applications, streamed with constant memory.

Formats live in a registry (`FORMATS`): CSV in UTF-8 with a BOM (Excel opens it as UTF-8),
CSV in Shift_JIS (cp932) for legacy core systems, and JSON. Columns are fixed metadata and
then the standard item codes (madoguchi.reception.answers), so exports from any municipality
line up.

cp932 cannot hold every name (𠮷, the IVS of 葛󠄀城). Such a character is never replaced
silently: the cell holds a numeric character reference (``&#x20BB7;``, lossless and visible),
and the download is a ZIP with the CSV and a report listing each one (row, column,
character, code point). Rows are fetched in chunks with `.iterator()`; the report spills to a
temporary file, so memory stays flat however many rows there are.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from madoguchi.applications import selectors as application_selectors
from madoguchi.forms import selectors as form_selectors
from madoguchi.reception import conf
from madoguchi.reception.answers import Column, column_value, merged_columns

if TYPE_CHECKING:
    from madoguchi.applications.models import Application

META_COLUMNS = [
    "receipt_number",
    "municipality_code",
    "procedure_code",
    "status",
    "submitted_at",
    "form_version_id",
    "form_version_hash",
    "channel",
    "signature_outcome",
    "signer_certificate_serial",
]


def _meta(application: Application, hashes: dict[Any, str]) -> list[str]:
    evidence = application.signature_evidence
    return [
        application.receipt_number or "",
        application.municipality_id,
        application.procedure_code,
        application.status,
        application.submitted_at.isoformat() if application.submitted_at else "",
        str(application.form_version_id),
        hashes.get(application.form_version_id, ""),
        application.channel,
        evidence.outcome if evidence else "",
        str(evidence.serial) if evidence else "",
    ]


@dataclass
class Export:
    """A prepared export: the columns are known before the first row is streamed."""

    queryset: QuerySet[Application]
    columns: list[Column]
    hashes: dict[Any, str]

    @property
    def header(self) -> list[str]:
        return META_COLUMNS + [column.key for column in self.columns]

    def rows(self) -> Iterator[list[str]]:
        for application in self.queryset.iterator(chunk_size=conf.export_chunk_size()):
            answers = application.answers or {}
            yield _meta(application, self.hashes) + [column_value(answers, c) for c in self.columns]


def export_prepare(*, queryset: QuerySet[Application]) -> Export:
    version_ids = queryset.order_by().values_list("form_version_id", flat=True).distinct()
    versions = list(form_selectors.form_versions_by_id(ids=version_ids))
    # Only what a row needs: not the form definition (large JSON, the same for many rows) nor
    # the signature bytes.
    queryset = (
        queryset.select_related(None)
        .select_related("signature_evidence")
        .defer("raw_answers", "signature_evidence__cms_der", "signature_evidence__certificate_der")
        .order_by("submitted_at", "pk")
    )
    return Export(
        queryset=queryset,
        columns=merged_columns(versions),
        hashes={version.pk: version.content_hash for version in versions},
    )


class _Line:
    """A file-like object csv.writer writes one row into; we take the text out each time."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> int:
        self.value = text
        return len(text)


def _csv_lines(export: Export) -> Iterator[str]:
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow(export.header)
    yield line.value
    for row in export.rows():
        writer.writerow(row)
        yield line.value


def csv_utf8(export: Export) -> Iterator[bytes]:
    yield "\ufeff".encode()
    for text in _csv_lines(export):
        yield text.encode("utf-8")


@dataclass(frozen=True)
class Unrepresentable:
    row: int  # CSV line number, the header being line 1
    column: str
    receipt_number: str
    character: str

    @property
    def code_point(self) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in self.character)


def cp932_cell(text: str) -> tuple[str, list[str]]:
    """The cell as cp932 can hold it, and the characters it could not.

    A base character followed by a variation selector is reported as the pair (葛 + VS17), so
    the report shows what the applicant wrote; the base character itself stays in the cell.
    """
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        pass
    else:
        return text, []  # the common case: one C-level check per cell
    out: list[str] = []
    missing: list[str] = []
    for char in text:
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            reference = f"&#x{ord(char):X};"
            if 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
                base = out[-1] if out and len(out[-1]) == 1 else ""
                missing.append(base + char)
            else:
                missing.append(char)
            out.append(reference)
        else:
            out.append(char)
    return "".join(out), missing


def cp932_rows(export: Export, report: Callable[[Unrepresentable], None]) -> Iterator[bytes]:
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow(export.header)
    yield line.value.encode("cp932")
    header = export.header
    for number, row in enumerate(export.rows(), start=2):
        cells = []
        for index, value in enumerate(row):
            cell, missing = cp932_cell(value)
            for character in missing:
                report(Unrepresentable(number, header[index], row[0], character))
            cells.append(cell)
        writer.writerow(cells)
        yield line.value.encode("cp932")


REPORT_HEADER = ["row", "column", "receipt_number", "character", "code_point"]


class _Pipe(io.RawIOBase):
    """An unseekable sink that hands out what zipfile wrote, chunk by chunk."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def csv_cp932_zip(export: Export) -> Iterator[bytes]:
    """A ZIP (streamed) of applications.csv in cp932 and unrepresentable.csv in UTF-8 (BOM)."""
    pipe = _Pipe()
    with (
        tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as spill,
        zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        report_writer = csv.writer(spill, lineterminator="\r\n")
        count = 0

        def report(item: Unrepresentable) -> None:
            nonlocal count
            count += 1
            report_writer.writerow(
                [item.row, item.column, item.receipt_number, item.character, item.code_point]
            )

        with archive.open("applications_cp932.csv", mode="w", force_zip64=True) as member:
            for chunk in cp932_rows(export, report):
                member.write(chunk)
                if pipe.position and pipe.chunks:
                    yield pipe.take()
        yield pipe.take()
        spill.seek(0)
        with archive.open("unrepresentable_characters.csv", mode="w", force_zip64=True) as member:
            member.write("\ufeff".encode())
            member.write((",".join(REPORT_HEADER) + "\r\n").encode())
            while block := spill.read(64 * 1024):
                member.write(block.encode("utf-8"))
                yield pipe.take()
    yield pipe.take()


def json_stream(export: Export) -> Iterator[bytes]:
    """A JSON array of objects keyed by column name (UTF-8), one application per line."""
    header = export.header
    yield b"[\n"
    first = True
    for row in export.rows():
        record = dict(zip(header, row, strict=True))
        prefix = b"" if first else b",\n"
        first = False
        yield prefix + json.dumps(record, ensure_ascii=False).encode("utf-8")
    yield b"\n]\n"


def unrepresentable_report(export: Export) -> Iterator[Unrepresentable]:
    """Every character the cp932 export cannot represent, without building the file."""
    found: list[Unrepresentable] = []
    for _chunk in cp932_rows(export, found.append):
        yield from found
        found.clear()


def pdf_zip(export: Export) -> Iterator[bytes]:
    """A ZIP (streamed) of each application's PDF copy (申請書控え), named by receipt number.

    Rendering takes about half a second per application, so the download starts at once and
    grows as each PDF is ready; memory holds one PDF at a time. PDFs are already compressed, so
    they are stored, not deflated again.
    """
    from madoguchi.applications.documents import application_copy_pdf

    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED) as archive:
        ids = export.queryset.values_list("pk", flat=True)
        for pk in ids.iterator(chunk_size=conf.export_chunk_size()):
            application = application_selectors.application_for_document(pk=pk)
            pdf = application_copy_pdf(application=application)
            with archive.open(
                f"{application.receipt_number}.pdf", mode="w", force_zip64=True
            ) as member:
                member.write(pdf)
            yield pipe.take()
    yield pipe.take()


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: Any
    content_type: str
    extension: str
    render: Callable[[Export], Iterable[bytes]]


FORMATS: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> None:
    FORMATS[fmt.key] = fmt


register(
    ExportFormat(
        "csv", _("CSV (UTF-8 with BOM, opens in Excel)"), "text/csv; charset=utf-8", "csv", csv_utf8
    )
)
register(
    ExportFormat(
        "csv-sjis",
        _("CSV (Shift_JIS / cp932) with a report of unrepresentable characters (ZIP)"),
        "application/zip",
        "zip",
        csv_cp932_zip,
    )
)
register(ExportFormat("json", _("JSON"), "application/json", "json", json_stream))
register(
    ExportFormat(
        "pdf-zip", _("PDF copies of the applications (ZIP)"), "application/zip", "zip", pdf_zip
    )
)


def write_to(fmt: ExportFormat, export: Export, sink: IO[bytes]) -> int:
    """Write a whole export to a file (benchmarks, command line); returns the bytes written."""
    total = 0
    for chunk in fmt.render(export):
        sink.write(chunk)
        total += len(chunk)
    return total
