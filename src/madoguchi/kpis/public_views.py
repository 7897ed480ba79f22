"""Open data, public and without login (/opendata/): the catalogue as CSV and JSON with its data
dictionary, daily snapshots, the standard forms as JSON Schema, and the adoption figures.

Files answer ETag and Last-Modified and honour If-None-Match / If-Modified-Since (304)."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils.http import quote_etag
from django.views.decorators.http import condition, require_GET

from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.forms import selectors as form_selectors
from madoguchi.kpis import figures, opendata
from madoguchi.kpis.csvio import csv_response

CACHE = "public, max-age=300"


def _etag(request: HttpRequest, *args: object, **kwargs: object) -> str:
    return opendata.catalog_stamp().etag


def _last_modified(
    request: HttpRequest, *args: object, **kwargs: object
) -> datetime.datetime | None:
    return opendata.catalog_stamp().last_modified


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    procedures = list(catalog_selectors.procedure_list())
    return render(
        request,
        "kpis/opendata.html",
        {
            "columns": opendata.COLUMNS,
            "snapshots": opendata.snapshot_days()[:31],
            "procedures": procedures,
            "licence_url": opendata.LICENCE_URL,
        },
    )


@require_GET
@condition(etag_func=_etag, last_modified_func=_last_modified)
def catalog_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(opendata.catalog_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="catalog.csv"'
    response["Cache-Control"] = CACHE
    return response


@require_GET
@condition(etag_func=_etag, last_modified_func=_last_modified)
def catalog_json(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(opendata.catalog_json(), content_type="application/json")
    response["Cache-Control"] = CACHE
    return response


def _file_etag(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(
        f"{path.parent.name}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()
    ).hexdigest()[:32]


@require_GET
def snapshot(request: HttpRequest, day: str, name: str) -> HttpResponseBase:
    """A dated snapshot: written once a day, never changed afterwards."""
    path = opendata.snapshot_file(day=day, name=name)
    if path is None:
        raise Http404

    def etag(_request: HttpRequest, *args: object, **kwargs: object) -> str:
        return _file_etag(path)

    def modified(_request: HttpRequest, *args: object, **kwargs: object) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)

    @condition(etag_func=etag, last_modified_func=modified)
    def serve(_request: HttpRequest) -> HttpResponseBase:
        content_type = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/json"
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Cache-Control"] = "public, max-age=86400, immutable"
        return response

    return serve(request)


@require_GET
def form_schema(request: HttpRequest, procedure_code: str) -> HttpResponseBase:
    """The standard form of a procedure (adopted unchanged) as JSON Schema 2020-12."""
    standard = form_selectors.standard_form_definition(procedure_code=procedure_code)
    if standard is None:
        raise Http404
    definition, content_hash = standard
    tag = quote_etag(content_hash[:32])
    if request.headers.get("If-None-Match") in (tag, f"W/{tag}"):
        response = HttpResponse(status=304)
        response["ETag"] = tag
        return response
    schema = form_selectors.form_json_schema(form_version=definition)
    schema["$id"] = request.build_absolute_uri()
    schema["x-content-hash"] = content_hash
    schema["x-licence"] = opendata.LICENCE
    response = JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["ETag"] = tag
    response["Cache-Control"] = CACHE
    response["Content-Type"] = "application/schema+json"
    return response


@require_GET
def adoption(request: HttpRequest) -> HttpResponse:
    tables = figures.adoption_tables(prefecture_code=None)
    return render(request, "kpis/public_adoption.html", {"tables": list(tables.values())})


@require_GET
def adoption_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    table = figures.adoption_tables(prefecture_code=None).get(slug)
    if table is None:
        raise Http404
    response = csv_response([table.columns, *table.data], filename=f"adoption-{slug}.csv")
    response["Cache-Control"] = CACHE
    return response
