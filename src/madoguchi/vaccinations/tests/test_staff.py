"""The staff console: isolation (another municipality's staff and clinics get nothing),
corrections with history, voids, move-in exchanges recorded on both sides, counts and CSV."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client, TestCase

from madoguchi.accounts.models import User
from madoguchi.audit.models import AuditEvent
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.testing import demo_resident
from madoguchi.vaccinations import services
from madoguchi.vaccinations.models import Record, Transfer, Upload

from .conftest import CHIYODA, YOKOHAMA, csv_file, days_ago, row

pytestmark = pytest.mark.django_db


def _body(response):
    return b"".join(response.streaming_content)


def _client(username: str) -> Client:
    client = Client()
    staff_login(client, username)
    return client


@pytest.fixture
def taro(vacc):
    return demo_resident("yoshida-taro")


def test_another_municipalitys_staff_and_clinics_get_nothing(taro, yokohama_clinic, clinic):
    record = Record.objects.filter(resident=taro).first()
    assert record is not None
    yokohama = _client("yokohama-worker")
    assert yokohama.get(f"/staff/vaccinations/residents/{taro.subject}/").status_code == 404
    assert (
        yokohama.get(f"/staff/vaccinations/records/{record.public_id}/correct/").status_code == 404
    )
    search = yokohama.get("/staff/vaccinations/", {"q": "ヨシダ"})
    assert "𠮷田" not in search.content.decode()
    counts = yokohama.get("/staff/vaccinations/counts/", {"start": "2025-01-01"})
    assert "コミナティ" not in counts.content.decode()
    export = yokohama.get("/staff/vaccinations/records.csv", {"start": "2025-01-01"})
    assert "𠮷田" not in _body(export).decode()

    # A clinic serving 横浜市 cannot upload 千代田区's residents.
    client = _client("yokohama-clinic")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/staff/vaccinations/clinic/", {"file": csv_file([row("sato-jiro", 1, days_ago(3))])}
        )
    upload = Upload.objects.get(clinic=yokohama_clinic)
    assert (
        upload.rows.get().errors[0]["message"]
        == "貴医療機関は市区町村 131016 の接種記録を登録できません。"
    )
    # …nor see another clinic's upload, nor the staff console.
    own = _client("chiyoda-clinic")
    assert own.get(f"/staff/vaccinations/clinic/uploads/{upload.public_id}/").status_code == 404
    assert client.get(f"/staff/vaccinations/residents/{taro.subject}/").status_code == 403
    assert client.get("/staff/reception/").status_code == 403
    # Staff without the clinic role have no upload page.
    assert _client("chiyoda-worker").get("/staff/vaccinations/clinic/").status_code == 403


def test_staff_see_records_and_every_view_is_audited(taro):
    client = _client("chiyoda-worker")
    page = client.get(f"/staff/vaccinations/residents/{taro.subject}/")
    assert page.status_code == 200
    assert "FA5765" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="vaccination.records_viewed", municipality_code=CHIYODA
    ).exists()
    found = client.get("/staff/vaccinations/", {"q": "ヨシダ"})
    assert "𠮷田" in found.content.decode()


def test_a_correction_keeps_the_old_value_and_a_void_keeps_the_record(taro):
    client = _client("chiyoda-worker")
    record = Record.objects.get(resident=taro, dose_number=2)
    url = f"/staff/vaccinations/records/{record.public_id}/correct/"
    data = {
        "product": "comirnaty",
        "lot": "FF2019",
        "dose_number": "2",
        "administered_on": "2025-11-04",
        "site_code": record.site_code,
    }
    missing_reason = client.post(url, data)
    assert missing_reason.status_code == 400
    assert "訂正の理由を入力してください。" in missing_reason.content.decode()
    future = client.post(url, {**data, "administered_on": days_ago(-5), "reason": "誤記"})
    assert "未来の日付です。" in future.content.decode()
    assert client.post(url, {**data, "reason": "ロット番号の誤記"}).status_code == 302
    record.refresh_from_db()
    assert record.lot == "FF2019"
    change = record.changes.get()
    assert change.changes == {"lot": {"old": "FF2018", "new": "FF2019"}}
    assert change.reason == "ロット番号の誤記"
    page = client.get(f"/staff/vaccinations/residents/{taro.subject}/").content.decode()
    assert "FF2018 → FF2019" in page

    void = client.post(f"/staff/vaccinations/records/{record.public_id}/void/", {"reason": ""})
    assert "記録を無効にする理由を入力してください。" in void.content.decode()
    client.post(f"/staff/vaccinations/records/{record.public_id}/void/", {"reason": "二重登録"})
    record.refresh_from_db()
    assert record.voided_at is not None and record.void_reason == "二重登録"
    assert [c.kind for c in record.changes.all()] == ["correction", "void"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"vaccination.record_corrected", "vaccination.record_voided"} <= actions
    # The dose is free again: staff can enter it anew.
    added = client.post(
        f"/staff/vaccinations/residents/{taro.subject}/records/",
        {f"add-{k}": v for k, v in {**data, "lot": "FF2020"}.items()},
    )
    assert added.status_code == 302
    assert Record.objects.filter(resident=taro, voided_at__isnull=True).count() == 2


def test_a_staff_entry_out_of_order_is_refused_at_the_field(vacc):
    client = _client("chiyoda-worker")
    ken = demo_resident("katsuragi-ken")
    response = client.post(
        f"/staff/vaccinations/residents/{ken.subject}/records/",
        {
            "add-product": "comirnaty",
            "add-lot": "X1",
            "add-dose_number": "2",
            "add-administered_on": "2026-01-10",
            "add-site_code": "1310112345",
        },
    )
    assert response.status_code == 400
    assert "1回目の記録がないため、2回目は登録できません。" in response.content.decode()


def test_a_move_in_is_an_exchange_both_municipalities_see(vacc, yokohama_resident):
    # 佐藤 次郎 was vaccinated in 横浜市, then moved to 千代田区.
    user = User.objects.get(username="yokohama-worker")
    for dose, day in ((1, datetime.date(2025, 10, 1)), (2, datetime.date(2025, 10, 29))):
        services.record_create(
            resident=yokohama_resident,
            user=user,
            product="spikevax",
            lot="3004217",
            dose_number=dose,
            administered_on=day,
            site_code="1410199999",
        )
    sato = demo_resident("sato-jiro")
    chiyoda = _client("chiyoda-worker")
    bad = chiyoda.post(
        f"/staff/vaccinations/residents/{sato.subject}/transfer/",
        {"move-from_municipality": "141001"},
    )
    assert bad.status_code == 400
    response = chiyoda.post(
        f"/staff/vaccinations/residents/{sato.subject}/transfer/",
        {"move-from_municipality": YOKOHAMA},
    )
    assert response.status_code == 302
    exchange = Transfer.objects.get()
    assert exchange.former_resident_found and len(exchange.answer) == 2
    chiyoda.post(f"/staff/vaccinations/transfers/{exchange.public_id}/")
    taken = Record.objects.filter(resident=sato).order_by("dose_number")
    assert [(r.dose_number, r.source, r.municipality_id) for r in taken] == [
        (1, "transfer", CHIYODA),
        (2, "transfer", CHIYODA),
    ]
    # The former municipality keeps its records and sees the exchange.
    assert Record.objects.filter(resident=yokohama_resident, voided_at__isnull=True).count() == 2
    listing = _client("yokohama-worker").get("/staff/vaccinations/transfers/").content.decode()
    assert "千代田区" in listing and "2件の記録を提供" in listing
    assert AuditEvent.objects.filter(
        action="vaccination.transfer_taken_over", municipality_code=YOKOHAMA
    ).exists()
    # 横浜市 cannot open 千代田区's side of it.
    other = _client("yokohama-worker").get(f"/staff/vaccinations/transfers/{exchange.public_id}/")
    assert other.status_code == 404


def test_daily_counts_and_csv(vacc):
    client = _client("chiyoda-worker")
    page = client.get("/staff/vaccinations/counts/", {"start": "2025-10-01", "end": "2025-12-31"})
    text = page.content.decode()
    assert "2025-10-14" in text and "コミナティ筋注" in text
    wrong = client.get("/staff/vaccinations/counts/", {"start": "2025-12-31", "end": "2025-10-01"})
    assert (
        wrong.status_code == 400 and "終了日は開始日より前にできません。" in wrong.content.decode()
    )
    export = client.get(
        "/staff/vaccinations/records.csv", {"start": "2025-10-01", "end": "2025-12-31"}
    )
    body = _body(export).decode()
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("市区町村コード,接種券番号,氏名")
    assert len(lines) == 1 + 5  # 𠮷田 太郎 2, 花子 1, 陽翔 2 in that period
    assert AuditEvent.objects.filter(action="vaccination.records_viewed").exists()
