"""Exports: UTF-8 with BOM keeps every character; cp932 reports what it cannot hold."""

import csv
import io
import json
import zipfile

import pytest

from madoguchi.audit.models import AuditEvent
from madoguchi.reception.exports import cp932_cell
from madoguchi.reception.testing import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client, demo):
    staff_login(client, "chiyoda-worker")
    return client


def download(client, fmt, **params):
    response = client.get(f"/staff/reception/export/{fmt}/", params)
    assert response.status_code == 200 and response.streaming
    return response, b"".join(response.streaming_content)


def test_utf8_csv_has_a_bom_and_names_exactly_as_entered(worker, received):
    response, content = download(worker, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["receipt_number"] for r in rows] == [a.receipt_number for a in received]
    assert rows[0]["applicant.name.family"] == "𠮷田"
    assert rows[1]["applicant.name.family"] == "葛\U000e0100城"  # the IVS is kept
    assert rows[0]["certificate.purpose"] == "insurance"
    assert json.loads(rows[0]["household.members"])[0]["member.relationship"] == "サンプル"
    assert rows[0]["signature_outcome"] == "valid"
    assert AuditEvent.objects.filter(action="reception.exported").exists()


def test_cp932_zip_reports_every_unrepresentable_character_and_substitutes_nothing(
    worker, received
):
    response, content = download(worker, "csv-sjis")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(content))
    data = archive.read("applications_cp932.csv").decode("cp932")
    report = list(
        csv.DictReader(
            io.StringIO(archive.read("unrepresentable_characters.csv").decode("utf-8-sig"))
        )
    )
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows[0]["applicant.name.family"] == "&#x20BB7;田"
    assert rows[1]["applicant.name.family"] == "葛&#xE0100;城"
    assert rows[2]["applicant.name.family"] == "髙橋"  # in cp932 (IBM extension): kept as is
    # Nothing substituted: cp932 with errors="replace" would write "?" (and some codecs "〓") for
    # a character it cannot hold, so the cp932 file holds exactly the "?" of the exact UTF-8 one.
    _response, utf8 = download(worker, "csv")
    assert data.count("?") == utf8.decode("utf-8-sig").count("?")
    assert "〓" not in data
    found = {(r["row"], r["column"], r["character"], r["code_point"]) for r in report}
    assert ("2", "applicant.name.family", "𠮷", "U+20BB7") in found
    assert ("3", "applicant.name.family", "葛\U000e0100", "U+845B U+E0100") in found
    assert ("2", "disaster.owner_name.family", "𠮷", "U+20BB7") in found
    # Every reported character is exactly one reference in the CSV, and vice versa.
    assert data.count("&#x") == len(report)


def test_json_export_and_the_report_page(worker, received):
    _response, content = download(worker, "json")
    records = json.loads(content)
    assert records[0]["applicant.name.family"] == "𠮷田"
    html = worker.get("/staff/reception/export/check/").content.decode()
    assert "U+20BB7" in html and "U+845B U+E0100" in html
    assert "表現できない文字" in html


def test_exports_follow_the_inbox_filters(worker, received):
    _response, content = download(worker, "csv", name="かつらぎ")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["receipt_number"] for r in rows] == [received[1].receipt_number]


def test_cp932_cell():
    assert cp932_cell("佐藤") == ("佐藤", [])
    assert cp932_cell("𠮷田") == ("&#x20BB7;田", ["𠮷"])
    assert cp932_cell("葛\U000e0100城") == ("葛&#xE0100;城", ["葛\U000e0100"])
    assert cp932_cell("髙﨑") == ("髙﨑", [])


def test_unknown_format_is_404(worker):
    assert worker.get("/staff/reception/export/xlsx/").status_code == 404


def test_zip_of_pdf_copies_holds_one_copy_per_application(worker, received):
    from pypdf import PdfReader

    response, content = download(worker, "pdf-zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == sorted(f"{a.receipt_number}.pdf" for a in received)
    first = received[0]
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(archive.read(f"{first.receipt_number}.pdf"))).pages
    )
    assert first.receipt_display in text
    assert "𠮷田" in text


def test_inbox_names_procedures_in_japanese(worker, received):
    html = worker.get("/staff/reception/").content.decode()
    assert "<td>罹災証明書の発行申請</td>" in html
