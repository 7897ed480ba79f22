"""Staff 情報照会 on an application: allowed items for the chosen 事務, refused outside the
access list, audited, shown in the applicant's history; other municipalities see nothing."""

import pytest

from madoguchi.audit.models import AuditEvent
from madoguchi.linkage.models import ExchangeRecord
from madoguchi.linkage.selectors import exchanges_for_subject
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.reception.testing import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client, demo):
    linkage_demo_load()
    staff_login(client, "chiyoda-worker")
    return client


def url(application):
    return f"/staff/reception/applications/{application.receipt_number}/linkage/"


def test_case_worker_asks_for_income_for_childcare(worker, received):
    taro_application = received[0]
    page = worker.get(url(taro_application)).content.decode()
    assert "情報照会" in page and "保育所等の利用及び保育料に関する事務" in page
    response = worker.post(url(taro_application), {"jimu": "childcare", "category": "tax"})
    html = response.content.decode()
    assert response.status_code == 200
    assert ("前年の所得額（円）" in html and "yes" in html) or "課税" in html
    record = ExchangeRecord.objects.get(side="requester", outcome="provided")
    assert record.agency_id == "131016-hoiku" and record.initiated_by == "staff:chiyoda-worker"
    assert AuditEvent.objects.filter(action="linkage.staff_inquiry").count() == 1
    rows = exchanges_for_subject(subject=taro_application.resident.subject)
    assert [r.initiated_by for r in rows] == ["市区町村職員による情報照会"]


def test_outside_the_access_list_is_refused_and_recorded(worker, received):
    # 罹災証明書の事務 may not ask for income.
    html = worker.post(
        url(received[0]), {"jimu": "disaster-certificate", "category": "tax"}
    ).content.decode()
    assert "許可リストで認められていません" in html
    assert ExchangeRecord.objects.filter(outcome="denied").count() == 1


def test_bad_choice_is_named_at_the_field(worker, received):
    response = worker.post(url(received[0]), {"jimu": "nothing", "category": "tax"})
    assert response.status_code == 400
    assert 'id="id_jimu_error"' in response.content.decode()
    assert not ExchangeRecord.objects.exists()


def test_another_municipality_cannot_ask(client, demo, received):
    linkage_demo_load()
    staff_login(client, "yokohama-worker")
    assert client.post(url(received[0]), {"jimu": "childcare", "category": "tax"}).status_code in (
        403,
        404,
    )
    assert not ExchangeRecord.objects.exists()


def test_detail_page_shows_answer_sources_and_the_inquiry_link(worker, received):
    html = worker.get(f"/staff/reception/applications/{received[0].receipt_number}/").content
    assert "情報照会" in html.decode()


def test_case_worker_sees_the_household_lists_one_person_after_another(worker, received):
    response = worker.post(url(received[0]), {"jimu": "childcare", "category": "resident"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "本人以外の世帯員" in html and "世帯の児童" in html
    # Each person as text (name, reading, birth date, 続柄), never a Python list.
    assert "𠮷田　花子" in html and "1987-09-30" in html and "妻" in html
    assert "[{" not in html and "&#x27;name&#x27;" not in html
