"""Open data: the catalogue CSV opens in a real CSV parser with the documented columns, the
JSON has the same records, ETag / Last-Modified round trips answer 304, dated snapshots, the
standard forms as JSON Schema, public pages without login."""

import csv
import io
import json

import pytest
from django.utils import timezone

from madoguchi.catalog.services import offering_upsert
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.kpis import opendata

from .conftest import CHIYODA

pytestmark = pytest.mark.django_db
# 28 municipal procedures × 1,741 municipalities + 4 prefectural ones × 47 prefectures.
RECORDS = 28 * 1741 + 4 * 47


@pytest.fixture
def published(catalog):
    municipal_form = form_adopt_preset(
        municipality_code=CHIYODA, procedure_code="disaster-certificate", actor=None
    )
    return form_publish(municipal_form=municipal_form, actor=None)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_catalogue_csv_opens_in_a_csv_parser_with_the_documented_columns(client, published):
    response = client.get("/opendata/catalog.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(opendata.COLUMNS)
    page = client.get("/opendata/").content.decode()
    for column in opendata.COLUMNS:  # every column is in the data dictionary
        assert f"<code>{column}</code>" in page
    municipal = {p for p in {r["procedure_code"] for r in rows if r["level"] == "municipal"}}
    prefectural = {r["procedure_code"] for r in rows if r["level"] == "prefectural"}
    assert len(rows) == len(municipal) * 1741 + len(prefectural) * 47
    assert len({r["municipality_code"] for r in rows if r["level"] == "municipal"}) == 1741
    (chiyoda,) = [
        r
        for r in rows
        if r["municipality_code"] == CHIYODA and r["procedure_code"] == "disaster-certificate"
    ]
    assert chiyoda["online"] == "1" and chiyoda["offered"] == "1"
    assert chiyoda["prefecture_name"] == "東京都" and chiyoda["municipality_name"] == "千代田区"
    assert chiyoda["form_version_id"] == str(published.pk)
    assert chiyoda["online_since"] == timezone.localdate().isoformat()
    assert "applicant.name" in chiyoda["standard_item_codes"].split(" ")
    assert chiyoda["url"].endswith(f"/apply/start/{published.pk}/")
    offline = [r for r in rows if r["municipality_code"] == "011002"]  # 札幌市
    assert offline and all(r["online"] == "0" and r["url"] == "" for r in offline)


def test_catalogue_json_has_the_same_records(client, published):
    data = json.loads(_body(client.get("/opendata/catalog.json")))
    assert data["licence"] == "CC BY 4.0" and data["columns"] == list(opendata.COLUMNS)
    csv_rows = list(
        csv.reader(io.StringIO(_body(client.get("/opendata/catalog.csv")).decode("utf-8-sig")))
    )
    assert len(data["records"]) == len(csv_rows) - 1
    record = next(
        r
        for r in data["records"]
        if r["municipality_code"] == CHIYODA and r["procedure_code"] == "disaster-certificate"
    )
    assert record["online"] is True and isinstance(record["standard_item_codes"], list)


def test_etag_and_last_modified_round_trip_304(client, published):
    first = client.get("/opendata/catalog.csv")
    etag, modified = first["ETag"], first["Last-Modified"]
    _body(first)
    assert etag and modified
    again = client.get("/opendata/catalog.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = client.get("/opendata/catalog.csv", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    json_first = client.get("/opendata/catalog.json")
    _body(json_first)
    assert (
        client.get(
            "/opendata/catalog.json", headers={"If-None-Match": json_first["ETag"]}
        ).status_code
        == 304
    )

    # A change in the catalogue changes the ETag: the old one gets the whole file.
    offering_upsert(municipality_code="141003", procedure_code="disaster-certificate", online=False)
    changed = client.get("/opendata/catalog.csv", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    _body(changed)


def test_a_dated_snapshot_per_day(client, published, settings, tmp_path):
    settings.KPIS_OPENDATA_DIR = tmp_path
    day = timezone.localdate()
    assert opendata.snapshot_write() == tmp_path / day.isoformat()
    assert opendata.snapshot_write() is None  # once a day
    url = f"/opendata/{day.isoformat()}/catalog.csv"
    response = client.get(url)
    assert response.status_code == 200
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\r\n") == RECORDS + 1
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
    assert client.get(f"/opendata/{day.isoformat()}/catalog.json").status_code == 200
    assert client.get("/opendata/2001-01-01/catalog.csv").status_code == 404
    assert day.isoformat() in client.get("/opendata/").content.decode()


def test_standard_forms_as_json_schema(client, catalog):
    response = client.get("/opendata/forms/disaster-certificate.schema.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = json.loads(response.content)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["$id"].endswith("/opendata/forms/disaster-certificate.schema.json")
    assert "applicant.name" in schema["properties"]
    again = client.get(
        "/opendata/forms/disaster-certificate.schema.json",
        headers={"If-None-Match": response["ETag"]},
    )
    assert again.status_code == 304
    assert client.get("/opendata/forms/no-such.schema.json").status_code == 404


def test_public_pages_need_no_login(client, catalog):
    index = client.get("/opendata/")
    assert index.status_code == 200 and "CC BY 4.0" in index.content.decode()
    adoption = client.get("/opendata/adoption/")
    assert adoption.status_code == 200
    html = adoption.content.decode()
    assert '<svg class="kpi-chart"' in html and "<script" not in html
    rows = list(
        csv.reader(
            io.StringIO(_body(client.get("/opendata/adoption/areas.csv")).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 48
