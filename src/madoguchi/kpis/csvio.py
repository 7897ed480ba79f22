"""CSV responses: UTF-8 with a byte-order mark (so Excel opens it as UTF-8), CRLF, streamed."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

BOM = "\ufeff"


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]], *, bom: bool = True) -> Iterator[bytes]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    first = True
    for row in rows:
        line = writer.writerow(row)
        if first and bom:
            line = BOM + line
        first = False
        yield line.encode("utf-8")


def csv_response(rows: Iterable[Iterable[object]], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
