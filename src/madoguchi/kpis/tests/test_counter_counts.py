"""Counter (paper) counts: a form, and a CSV from the core system checked row by row — errors in
Japanese naming row and column, nothing stored from a file with errors unless the user confirms
the valid rows, a new upload replaces the same cells, every store audited."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override

from madoguchi.audit.models import AuditEvent
from madoguchi.kpis.counter_csv import parse
from madoguchi.kpis.models import CounterCount
from madoguchi.reception.testing import staff_login

from .conftest import CHIYODA, YOKOHAMA

pytestmark = pytest.mark.django_db
PROCEDURES = {"disaster-certificate", "child-allowance-claim"}


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{(first - datetime.timedelta(days=1)):%Y-%m}"


def _file(text: str, encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile("counts.csv", text.encode(encoding), content_type="text/csv")


def bad_file() -> str:
    month = _last_month()
    return (
        "municipality_code,procedure_code,month,count\n"
        f"{CHIYODA},disaster-certificate,{month},12\n"  # row 2: fine
        f"{YOKOHAMA},disaster-certificate,{month},3\n"  # row 3: not ours
        f"{CHIYODA},no-such-procedure,{month},3\n"  # row 4
        f"{CHIYODA},child-allowance-claim,2026/13,3\n"  # row 5
        f"{CHIYODA},child-allowance-claim,{month},-1\n"  # row 6
        f"{CHIYODA},disaster-certificate,{month},5\n"  # row 7: same as row 2
        f'{CHIYODA},child-allowance-claim,{month},"1,204"\n'  # row 8: fine
    )


def test_parse_names_row_and_column_in_japanese():
    with override("ja"):
        parsed = parse(
            bad_file().encode(), municipality_codes={CHIYODA}, procedure_codes=PROCEDURES
        )
    assert [(r.procedure_code, r.count) for r in parsed.rows] == [
        ("disaster-certificate", 12),
        ("child-allowance-claim", 1204),
    ]
    found = {(e.row, e.column): e.message for e in parsed.errors}
    assert set(found) == {
        (3, "municipality_code"),
        (4, "procedure_code"),
        (5, "month"),
        (6, "count"),
        (7, "month"),
    }
    assert "141003" in found[(3, "municipality_code")]
    assert "YYYY-MM" in found[(5, "month")]
    assert "2行目" in found[(7, "month")]
    assert all(any("\u3040" <= ch <= "\u30ff" for ch in m) for m in found.values())


def test_shift_jis_and_a_missing_column():
    month = _last_month()
    text = (
        f"municipality_code,procedure_code,month,count\n{CHIYODA},disaster-certificate,{month},4\n"
    )
    parsed = parse(text.encode("cp932"), municipality_codes={CHIYODA}, procedure_codes=PROCEDURES)
    assert parsed.errors == [] and parsed.rows[0].count == 4
    missing = parse(
        b"municipality_code,month\n", municipality_codes={CHIYODA}, procedure_codes=PROCEDURES
    )
    assert {e.column for e in missing.errors} == {"procedure_code", "count"}


def test_a_file_with_errors_stores_nothing_until_the_valid_rows_are_confirmed(
    client, catalog, demo
):
    staff_login(client, "chiyoda-worker")
    url = f"/staff/kpis/counter/upload/?municipality={CHIYODA}"
    response = client.post(url, {"file": _file(bad_file())})
    assert response.status_code == 400
    html = response.content.decode()
    assert "何も保存していません" in html or "保存していません" in html
    assert "3行目" in html and "municipality_code" in html
    assert not CounterCount.objects.exists()

    token = response.context["token"]
    confirmed = client.post(
        f"/staff/kpis/counter/confirm/?municipality={CHIYODA}", {"token": token}
    )
    assert confirmed.status_code == 302
    assert sorted(CounterCount.objects.values_list("procedure_code", "count")) == [
        ("child-allowance-claim", 1204),
        ("disaster-certificate", 12),
    ]
    event = AuditEvent.objects.filter(action="kpis.counter_counts_stored").get()
    assert event.municipality_code == CHIYODA and event.data["rows"] == 2

    # The same confirmation cannot be replayed.
    again = client.post(f"/staff/kpis/counter/confirm/?municipality={CHIYODA}", {"token": token})
    assert again.status_code == 302 and CounterCount.objects.count() == 2


def test_a_clean_upload_is_stored_and_a_new_one_replaces_it(client, catalog, demo):
    staff_login(client, "chiyoda-admin")
    month = _last_month()
    url = f"/staff/kpis/counter/upload/?municipality={CHIYODA}"
    header = "municipality_code,procedure_code,month,count\n"
    first = client.post(
        url, {"file": _file(f"{header}{CHIYODA},disaster-certificate,{month},30\n")}
    )
    assert first.status_code == 302
    second = client.post(
        url, {"file": _file(f"{header}{CHIYODA},disaster-certificate,{month},31\n")}
    )
    assert second.status_code == 302
    (row,) = CounterCount.objects.all()
    assert row.count == 31 and row.updated_by == "chiyoda-admin"
    events = AuditEvent.objects.filter(action="kpis.counter_counts_stored").order_by("pk")
    assert [e.data["replaced"] for e in events] == [0, 1]
    page = client.get(f"/staff/kpis/counter/?municipality={CHIYODA}")
    assert "31" in page.content.decode()


def test_the_form_says_at_the_field_what_is_wrong(client, catalog, demo):
    staff_login(client, "chiyoda-worker")
    url = f"/staff/kpis/counter/?municipality={CHIYODA}"
    response = client.post(
        url, {"procedure_code": "disaster-certificate", "month": "2026年4月", "count": "x"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"month", "count"}
    assert not CounterCount.objects.exists()
    ok = client.post(
        url, {"procedure_code": "disaster-certificate", "month": _last_month(), "count": "8"}
    )
    assert ok.status_code == 302 and CounterCount.objects.get().count == 8


def test_viewers_and_other_municipalities_cannot_enter_counts(client, catalog, demo):
    staff_login(client, "chiyoda-auditor")
    assert client.get("/staff/kpis/counter/").status_code == 403
    staff_login(client, "yokohama-worker")
    assert client.get(f"/staff/kpis/counter/?municipality={CHIYODA}").status_code == 404
