"""The clinic's CSV intake: every check, per row and column, in UTF-8, UTF-8 with a BOM and
cp932; nothing registered partly without the operator's confirmation; a re-upload recognised."""

from __future__ import annotations

import pytest
from django.test import Client

from madoguchi.audit.models import AuditEvent
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.testing import demo_resident
from madoguchi.vaccinations import checking, services
from madoguchi.vaccinations.models import Record, Upload
from madoguchi.vaccinations.types import UploadStatus

from .conftest import CHIYODA, SITE, csv_file, days_ago, row, voucher

pytestmark = pytest.mark.django_db

ENCODINGS = ["utf-8", "utf-8-sig", "cp932"]


def _upload(client: Client, file) -> Upload:
    # The check is queued on commit (the test's transaction never commits: run it here).
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/staff/vaccinations/clinic/", {"file": file})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Upload.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])


def _errors(upload: Upload) -> dict[int, list[tuple[str, str]]]:
    return {
        r.line: [(e["column"], e["message"]) for e in r.errors]
        for r in upload.rows.filter(has_errors=True).order_by("line")
    }


@pytest.fixture
def clinic_client(clinic) -> Client:
    client = Client()
    staff_login(client, "chiyoda-clinic")
    return client


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_row_checked_with_errors_per_row_and_column(clinic_client, encoding):
    # Names in cp932 too: 𠮷田 is outside it, so the file names nobody; the voucher does.
    lines = [
        row("katsuragi-ken", 1, days_ago(30)),  # 2 valid
        row("katsuragi-ken", 2, days_ago(9)),  # 3 valid
        f"{CHIYODA},9999999999,{days_ago(3)},comirnaty,AB1,1,{SITE}",  # 4 unknown resident
        row("sato-jiro", 1, days_ago(-3)),  # 5 future date
        row("watanabe-sakura", 2, days_ago(5)),  # 6 dose 2 without dose 1
        row("katsuragi-ken", 2, days_ago(8)),  # 7 duplicate of line 3 in the file
        row("yoshida-taro", 1, "2025-10-14", lot="FA5765"),  # 8 already registered (duplicate)
        row("takahashi-ichiro", 1, days_ago(5), product="インフルエンザ"),  # 9 unknown product
        row("takahashi-kazuko", 1, "2026/13/01"),  # 10 not a date
        row("yamasaki-misaki", 1, days_ago(10), product="コミナティ筋注"),  # 11 valid (by name)
        row("yamasaki-misaki", 2, days_ago(12)),  # 12 before dose 1
    ]
    upload = _upload(clinic_client, csv_file(lines, encoding=encoding))
    assert upload.status == UploadStatus.CHECKED
    assert upload.encoding == encoding
    assert upload.rows_total == 11
    errors = _errors(upload)
    assert errors == {
        4: [("接種券番号", "この接種券番号の住民はいません。")],
        5: [("接種日", "未来の日付です。")],
        6: [("接種回数", "1回目の記録がないため、2回目は登録できません。")],
        7: [("接種回数", "3行目に同じ人の同じ接種回数があります（重複）。")],
        8: [("接種回数", "この接種は登録済みです（重複）。")],
        9: [("ワクチン", "このワクチンは登録されていません。")],
        10: [("接種日", "日付は YYYY-MM-DD の形で入力してください（例：2026-04-01）。")],
        12: [("接種日", f"1回目（{days_ago(10)}）より後の日付にしてください。")],
    }
    assert upload.rows_with_errors == 8
    page = clinic_client.get(f"/staff/vaccinations/clinic/uploads/{upload.public_id}/")
    assert "未来の日付です。" in page.content.decode()

    # Nothing is registered without the operator's confirmation.
    before = Record.objects.count()
    refused = clinic_client.post(f"/staff/vaccinations/clinic/uploads/{upload.public_id}/import/")
    assert refused.status_code == 400
    assert "エラーのない行だけを登録する" in refused.content.decode()
    assert Record.objects.count() == before
    confirmed = clinic_client.post(
        f"/staff/vaccinations/clinic/uploads/{upload.public_id}/import/",
        {"confirm_partial": "on"},
    )
    assert confirmed.status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED and upload.rows_imported == 3
    ken = demo_resident("katsuragi-ken")
    assert list(Record.objects.filter(resident=ken).values_list("dose_number", flat=True)) == [
        1,
        2,
    ]
    assert AuditEvent.objects.filter(
        action="vaccination.records_imported", municipality_code=CHIYODA
    ).exists()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_clean_file_is_registered_on_confirmation_and_recognised_when_sent_again(
    clinic_client, encoding
):
    file = csv_file(
        [row("sato-jiro", 1, days_ago(20)), row("sato-jiro", 2, days_ago(1))], encoding=encoding
    )
    upload = _upload(clinic_client, file)
    assert upload.rows_with_errors == 0
    clinic_client.post(f"/staff/vaccinations/clinic/uploads/{upload.public_id}/import/")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED and upload.rows_imported == 2

    file.seek(0)
    again = clinic_client.post("/staff/vaccinations/clinic/", {"file": file}, follow=True)
    assert again.redirect_chain[-1][0].endswith(f"/uploads/{upload.public_id}/")
    assert "このファイルは以前" in again.content.decode()
    assert Upload.objects.count() == 1


def test_a_file_in_another_encoding_is_refused_whole(clinic_client):
    data = "市区町村コード,接種券番号\r\n".encode("utf-16")
    upload = _upload(
        clinic_client,
        csv_file([], encoding="utf-8").__class__("x.csv", data, content_type="text/csv"),
    )
    assert upload.status == UploadStatus.FAILED
    assert "文字コード" in upload.problem


def test_a_missing_column_is_named(clinic_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "市区町村コード,接種券番号,接種日\r\n131016,1,2026-01-01\r\n".encode()
    upload = _upload(clinic_client, SimpleUploadedFile("x.csv", data))
    assert upload.status == UploadStatus.FAILED
    assert "ワクチン、ロット番号、接種回数、医療機関コード" in upload.problem


def test_quoted_cells_blank_lines_and_extra_columns(clinic_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = (
        "備考,市区町村コード,接種券番号,接種日,ワクチン,ロット番号,接種回数,医療機関コード\r\n"
        f'"改行を含む\r\n備考",{CHIYODA},{voucher("sato-jiro")},{days_ago(2)},"comirnaty",AB1,1,{SITE}\r\n'
        "\r\n,,,,,,,\r\n"
    )
    upload = _upload(clinic_client, SimpleUploadedFile("x.csv", text.encode("cp932")))
    assert upload.rows_total == 1 and upload.rows_with_errors == 0
    assert upload.rows.get().line == 3  # the line the row ends on, as a spreadsheet counts


def test_a_record_registered_meanwhile_is_caught_at_import(clinic_client):
    upload = _upload(clinic_client, csv_file([row("sato-jiro", 1, days_ago(20))]))
    services.record_create(
        resident=demo_resident("sato-jiro"),
        user=upload.uploaded_by,
        product="spikevax",
        lot="X1",
        dose_number=1,
        administered_on=__import__("datetime").date.fromisoformat(days_ago(21)),
        site_code=SITE,
    )
    with pytest.raises(services.VaccinationError):
        services.upload_import(upload=upload, user=upload.uploaded_by)
    upload.refresh_from_db()
    assert upload.rows_with_errors == 1
    assert Record.objects.filter(upload=upload).count() == 0


def test_the_check_can_run_again_and_gives_the_same_rows(clinic_client):
    upload = _upload(clinic_client, csv_file([row("sato-jiro", 1, days_ago(3))]))
    checking.upload_check(upload_id=upload.pk)
    assert upload.rows.count() == 1


def test_while_the_check_runs_the_page_shows_progress_and_refreshes(clinic_client):
    # Without running the queued check (as when the worker has not reached it yet).
    response = clinic_client.post(
        "/staff/vaccinations/clinic/", {"file": csv_file([row("sato-jiro", 1, days_ago(3))])}
    )
    upload = Upload.objects.get()
    assert upload.status == UploadStatus.RECEIVED
    Upload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.CHECKING, bytes_done=upload.size // 2, rows_done=1
    )
    page = clinic_client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'value="50"' in page or 'value="49"' in page
    assert "1行を読み込み" in page
    # Not a file with a .csv name: refused at the field, nothing stored.
    from django.core.files.uploadedfile import SimpleUploadedFile

    refused = clinic_client.post(
        "/staff/vaccinations/clinic/", {"file": SimpleUploadedFile("doses.xlsx", b"PK")}
    )
    assert refused.status_code == 200
    assert "名前が .csv で終わるファイルを選んでください。" in refused.content.decode()
    assert Upload.objects.count() == 1
