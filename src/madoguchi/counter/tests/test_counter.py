"""The counter over HTTP: a case worker finds the resident, fills in the application with them,
and the resident's own card signs it; or the worker registers a paper application. Scoped to
the worker's municipality, audited, and found afterwards in the resident's My page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from madoguchi.applications.arrivals import arrival_work_one
from madoguchi.applications.models import Application
from madoguchi.applications.services import PAPER_SCAN_ITEM
from madoguchi.applications.types import Channel, Status
from madoguchi.apply.tests.conftest import publish, sign_in
from madoguchi.apply.tests.journey import PAGES, photo
from madoguchi.audit.models import AuditEvent
from madoguchi.catalog.services import offering_set_offline
from madoguchi.core.scanning import EICAR
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def disaster_form(pki, catalog):
    return publish("disaster-certificate")


def _fill(client: Client, application: Application) -> None:
    for page_id, data in PAGES.items():
        payload: dict[str, object] = {**data, "_action": "next"}
        if page_id == "attachments":
            payload["attachments.photos"] = photo()
        response = client.post(f"/staff/counter/{application.public_id}/{page_id}/", payload)
        assert response.status_code == 302, (page_id, response.content.decode()[-2000:])


def _start(client: Client, resident, form_version) -> Application:
    response = client.post(f"/staff/counter/residents/{resident.subject}/start/{form_version.pk}/")
    assert response.status_code == 302
    return Application.objects.get(resident=resident, channel=Channel.COUNTER, status="draft")


@pytest.mark.django_db
def test_a_case_worker_enters_an_application_and_the_resident_signs_it(disaster_form):
    taro = demo_resident("yoshida-taro")
    staff = Client()
    worker = staff_login(staff, "chiyoda-worker")

    found = staff.get(
        "/staff/counter/",
        {"family_name": "𠮷田", "given_name": "太郎", "birth_date": "1985-04-12"},
    )
    assert found.status_code == 200
    assert f"/staff/counter/residents/{taro.subject}/" in found.content.decode()
    assert "罹災証明書" in staff.get(f"/staff/counter/residents/{taro.subject}/").content.decode()

    application = _start(staff, taro, disaster_form)
    # Prefilled from the resident record; the page says whose application it is.
    assert application.raw_answers["applicant.name"] == {"family": "𠮷田", "given": "太郎"}
    first = staff.get(f"/staff/counter/{application.public_id}/applicant/").content.decode()
    assert "𠮷田\u3000太郎" in first and "窓口" in first
    _fill(staff, application)
    assert staff.get(f"/staff/counter/{application.public_id}/check/").status_code == 200

    wrong = staff.post(f"/staff/counter/{application.public_id}/sign/", {"pin": "WRONG123"})
    assert wrong.status_code == 400 and "暗証番号" in wrong.content.decode()
    signed = staff.post(f"/staff/counter/{application.public_id}/sign/", {"pin": DEMO_SIGN_PIN})
    assert signed.status_code == 302 and signed["Location"].endswith("/done/")
    # Arrived (到達): the done page says so and reloads itself until a worker examines it.
    waiting = staff.get(f"/staff/counter/{application.public_id}/done/")
    assert waiting.status_code == 200 and waiting["Refresh"] == "2"
    assert "到達" in waiting.content.decode()
    assert arrival_work_one() is not None

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.receipt_number
    assert application.channel == Channel.COUNTER and application.assisted_by == worker
    # The resident's own signature: their card's certificate, valid, bound to them.
    evidence = application.signature_evidence
    assert evidence is not None and evidence.outcome == "valid"
    assert evidence.holder_name.replace(" ", "").replace("\u3000", "") == "𠮷田太郎"
    assert application.resident == taro
    done = staff.get(f"/staff/counter/{application.public_id}/done/").content.decode()
    assert application.receipt_display in done and str(worker) in done
    assert AuditEvent.objects.filter(
        action="application.counter_started", actor_label="chiyoda-worker"
    ).exists()
    assert AuditEvent.objects.filter(action="counter.viewed").count() >= 3

    # The resident finds it afterwards in My page, marked as entered at the counter.
    resident_client = sign_in(Client(), taro)
    mypage = resident_client.get("/apply/mypage/").content.decode()
    assert application.receipt_display in mypage and "窓口" in mypage


@pytest.mark.django_db
def test_staff_of_another_municipality_see_nothing(disaster_form):
    taro = demo_resident("yoshida-taro")
    chiyoda = Client()
    staff_login(chiyoda, "chiyoda-worker")
    application = _start(chiyoda, taro, disaster_form)

    yokohama = Client()
    staff_login(yokohama, "yokohama-worker")
    assert yokohama.get(f"/staff/counter/{application.public_id}/applicant/").status_code == 404
    assert yokohama.get(f"/staff/counter/residents/{taro.subject}/").status_code == 404
    found = yokohama.get(
        "/staff/counter/",
        {"family_name": "𠮷田", "given_name": "太郎", "birth_date": "1985-04-12"},
    )
    assert str(taro.subject) not in found.content.decode()
    start = yokohama.post(f"/staff/counter/residents/{taro.subject}/start/{disaster_form.pk}/")
    assert start.status_code == 404
    # An auditor may not enter applications at all.
    auditor = Client()
    staff_login(auditor, "chiyoda-auditor")
    assert auditor.get("/staff/counter/").status_code == 403


@pytest.mark.django_db
def test_a_paper_application_is_registered_in_the_same_place(disaster_form):
    hanako = demo_resident("yoshida-hanako")
    # A counter-only procedure: its form is published, but it is not offered online.
    offering_set_offline(municipality_code="131016", procedure_code="disaster-certificate")
    staff = Client()
    worker = staff_login(staff, "chiyoda-worker")
    listed = staff.get(f"/staff/counter/residents/{hanako.subject}/").content.decode()
    assert "窓口のみ" in listed
    application = _start(staff, hanako, disaster_form)
    _fill(staff, application)

    future = staff.post(
        f"/staff/counter/{application.public_id}/paper/",
        {"received_on": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400 and "未来" in future.content.decode()
    not_pdf = staff.post(
        f"/staff/counter/{application.public_id}/paper/",
        {
            "received_on": "2026-12-01",
            "scan": SimpleUploadedFile("scan.txt", b"hello", content_type="text/plain"),
        },
    )
    assert not_pdf.status_code == 400 and "PDF" in not_pdf.content.decode()
    infected = staff.post(
        f"/staff/counter/{application.public_id}/paper/",
        {
            "received_on": "2026-12-01",
            "scan": SimpleUploadedFile("scan.pdf", PDF + EICAR, content_type="application/pdf"),
        },
    )
    assert infected.status_code == 400 and "ウイルスが見つかった" in infected.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not application.attachments.filter(item_path=PAPER_SCAN_ITEM).exists()

    registered = staff.post(
        f"/staff/counter/{application.public_id}/paper/",
        {
            "received_on": "2026-12-01",
            "scan": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert registered.status_code == 302

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.receipt_number
    assert application.channel == Channel.COUNTER and application.assisted_by == worker
    assert application.signature_evidence is None  # the paper bears the signature
    assert application.attachments.filter(item_path=PAPER_SCAN_ITEM).exists()
    assert "2026-12-01" in application.history.get(to_status=Status.SUBMITTED).message
    # In the inbox with every other application.
    inbox = staff.get("/staff/reception/").content.decode()
    assert application.receipt_display in inbox
    detail = staff.get(f"/staff/reception/applications/{application.receipt_number}/")
    assert "紙" in detail.content.decode()
