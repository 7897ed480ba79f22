"""Tenant isolation: staff and API credentials of 横浜市 (141003) walk every staff URL and every
reception API endpoint aimed at 千代田区's applications and get 403 or 404 — never data."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from madoguchi.accounts.models import Membership, User
from madoguchi.applications.models import Attachment
from madoguchi.reception.exports import FORMATS
from madoguchi.reception.models import WebhookDelivery
from madoguchi.reception.testing import staff_login
from madoguchi.reception.webhooks import endpoint_create
from madoguchi.vaccinations import services as vaccinations
from madoguchi.vaccinations.models import Clinic, Record, Transfer, Upload
from madoguchi.vaccinations.tests.conftest import csv_file, days_ago, row

from .conftest import CHIYODA, YOKOHAMA

pytestmark = pytest.mark.django_db
DENIED = {403, 404}


def staff_urls(receipt, attachment_id, delivery_id):
    """Every staff URL with arguments pointing at 千代田区's data (checked to cover them all)."""
    form = f"/staff/forms/{CHIYODA}/disaster-certificate/"
    app = f"/staff/reception/applications/{receipt}/"
    return [
        ("get", f"/staff/reception/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/?municipality={CHIYODA}&receipt_number={receipt}"),
        ("post", "/staff/reception/bulk/"),
        ("get", app),
        ("post", f"{app}status/"),
        ("post", f"{app}comments/"),
        ("post", f"{app}assign/"),
        ("post", f"{app}hold/"),
        ("get", f"{app}linkage/"),
        ("post", f"{app}linkage/"),
        ("get", f"{app}attachments/{attachment_id}/"),
        ("get", f"/staff/reception/export/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/export/check/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/export/csv/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/export/csv-sjis/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/export/json/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/export/pdf-zip/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/audit/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/webhooks/?municipality={CHIYODA}"),
        ("post", f"/staff/reception/webhooks/deliveries/{delivery_id}/resend/"),
        ("get", "/staff/forms/"),
        ("post", f"{form}adopt/"),
        ("get", form),
        ("get", f"{form}items/add/"),
        ("post", f"{form}items/add/"),
        ("get", f"{form}items/disaster.date/"),
        ("post", f"{form}items/disaster.date/"),
        ("post", f"{form}limit/"),
        ("post", f"{form}retention/"),
        ("get", f"{form}notes/"),
        ("post", f"{form}notes/"),
        ("get", f"{form}preview/"),
        ("post", f"{form}publish/"),
        ("post", f"{form}rebase/"),
        # Figures (madoguchi.kpis): another municipality's dashboard, counts and CSVs.
        ("get", f"/staff/kpis/?municipality={CHIYODA}"),
        ("get", f"/staff/kpis/figures/procedures.csv?municipality={CHIYODA}"),
        ("get", f"/staff/kpis/counter/?municipality={CHIYODA}"),
        ("post", f"/staff/kpis/counter/upload/?municipality={CHIYODA}"),
        ("post", f"/staff/kpis/counter/confirm/?municipality={CHIYODA}"),
        ("get", "/staff/kpis/adoption/?prefecture=130001"),
        ("get", "/staff/kpis/adoption/procedures.csv?prefecture=130001"),
    ]


def counter_urls(draft):
    """The counter's URLs (madoguchi.counter) aimed at a 千代田区 resident's counter draft."""
    resident = draft.resident
    app = f"/staff/counter/{draft.public_id}/"
    return [
        (
            "get",
            f"/staff/counter/?family_name={resident.family_name}&given_name="
            f"{resident.given_name}&birth_date={resident.birth_date.isoformat()}",
        ),
        ("get", f"/staff/counter/residents/{resident.subject}/"),
        ("post", f"/staff/counter/residents/{resident.subject}/start/{draft.form_version_id}/"),
        ("get", f"{app}applicant/"),
        ("post", f"{app}applicant/"),
        ("get", f"{app}check/"),
        ("get", f"{app}sign/"),
        ("post", f"{app}sign/"),
        ("post", f"{app}paper/"),
        ("get", f"{app}done/"),
    ]


def vaccination_urls(resident, voucher, record, upload, transfer):
    """The vaccination record system's staff and clinic URLs (madoguchi.vaccinations) aimed at
    a 千代田区 resident, their voucher and record, the 千代田区 clinic's upload and 千代田区's
    move-in exchange."""
    base = "/staff/vaccinations/"
    person = f"{base}residents/{resident.subject}/"
    dose = f"{base}records/{record.public_id}/"
    upload_url = f"{base}clinic/uploads/{upload.public_id}/"
    return [
        # Pages of the user's own municipality (no object): searches, counts and CSV find nothing.
        ("get", f"{base}?q={resident.family_name_kana}"),
        ("get", f"{base}?q={voucher}"),
        ("get", f"{base}counts/?start=2025-01-01"),
        ("get", f"{base}records.csv?start=2025-01-01"),
        ("get", f"{base}transfers/"),
        ("get", f"{base}clinic/"),
        ("post", f"{base}clinic/"),
        # 千代田区's objects.
        ("get", person),
        ("post", f"{person}voucher/"),
        ("post", f"{person}records/"),
        ("post", f"{person}transfer/"),
        ("get", f"{dose}correct/"),
        ("post", f"{dose}correct/"),
        ("post", f"{dose}void/"),
        ("get", f"{base}transfers/{transfer.public_id}/"),
        ("post", f"{base}transfers/{transfer.public_id}/"),
        ("get", upload_url),
        ("post", f"{upload_url}import/"),
        ("post", f"{upload_url}discard/"),
    ]


# Vaccination pages any staff member (or clinic) opens for their own municipality: a 200 must
# show nothing of 千代田区's (checked against the markers of chiyoda_vaccinations).
VACCINATIONS_OWN = {
    "staff/vaccinations/",
    "staff/vaccinations/counts/",
    "staff/vaccinations/records.csv",
    "staff/vaccinations/transfers/",
    "staff/vaccinations/clinic/",
}


@pytest.fixture
def chiyoda_vaccinations(chiyoda_data, django_capture_on_commit_callbacks):
    """千代田区's vaccination data (demo records and vouchers, a clinic upload with its check
    run, a move-in exchange asked of 札幌市) and a clinic serving 横浜市 only."""
    from madoguchi.signatures.testing import demo_resident

    vaccinations.demo_data_load()
    clinic_user = get_user_model().objects.create_user(
        username="yokohama-clinic", password="x" * 20
    )
    Membership.objects.create(user=clinic_user, municipality_id=YOKOHAMA, role="clinic")
    vaccinations.clinic_upsert(code="1410199999", name="横浜テスト医院", users=[clinic_user])
    taro = demo_resident("yoshida-taro")
    record = Record.objects.filter(resident=taro).first()
    assert record is not None
    chiyoda_clinic = Clinic.objects.get(code=vaccinations.DEMO_CLINIC_CODE)
    with django_capture_on_commit_callbacks(execute=True):
        upload = vaccinations.upload_receive(
            clinic=chiyoda_clinic,
            user=User.objects.get(username=vaccinations.DEMO_CLINIC_USER),
            file=csv_file([row("sato-jiro", 1, days_ago(3))], name="chiyoda-doses.csv"),
        ).upload
    upload.refresh_from_db()
    transfer = vaccinations.transfer_request(
        resident=taro,
        from_municipality_code="011002",
        user=User.objects.get(username="chiyoda-worker"),
    )
    return taro, record, upload, transfer


# Staff routes that show no municipality's data: signing in and out, and the staff home page.
NOT_MUNICIPAL = {
    "staff/",
    "staff/login/",
    "staff/login/code/",
    "staff/login/code/setup/",
    "staff/logout/",
}


def staff_routes():
    return {p for p in _patterns(get_resolver()) if p.startswith("staff/")} - NOT_MUNICIPAL


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


@pytest.fixture
def chiyoda_data(received, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = received[0]
    attachment = Attachment.objects.create(
        application=application,
        item_path="attachments.photos",
        file=SimpleUploadedFile("p.jpg", b"jpeg"),
        name="p.jpg",
        content_type="image/jpeg",
        size=4,
        sha256="0" * 64,
        scan_status="clean",  # downloadable by 千代田区's staff (not quarantined)
    )
    endpoint_create(municipality_code=CHIYODA, url="http://127.0.0.1:9/hook")
    from madoguchi.applications.services import application_status_change

    application_status_change(application=received[1], to_status="in_review", actor=None)
    delivery = WebhookDelivery.objects.get()
    return application, attachment, delivery


def test_isolation_every_staff_url_is_closed_to_another_municipality(
    client, chiyoda_data, chiyoda_vaccinations
):
    application, attachment, delivery = chiyoda_data
    resident, record, upload, transfer = chiyoda_vaccinations
    voucher = resident.vaccination_voucher.number
    from madoguchi.applications.services import application_counter_start
    from madoguchi.signatures.testing import demo_resident

    taro = demo_resident("yoshida-taro")
    draft = application_counter_start(
        form_version=application.form_version,
        resident=taro,
        staff=User.objects.get(username="chiyoda-worker"),
    )
    urls = (
        staff_urls(application.receipt_number, attachment.pk, delivery.pk)
        + counter_urls(draft)
        + vaccination_urls(resident, voucher, record, upload, transfer)
    )
    # What of 千代田区's vaccination data a page of one's own municipality must never show.
    markers = [
        str(resident.subject),
        resident.family_name,
        resident.family_name_kana,
        str(voucher),
        str(record.public_id),
        record.lot,
        str(upload.public_id),
        upload.filename,
        str(transfer.public_id),
        "千代田区",
        "札幌市",
    ]
    transfers_before = Transfer.objects.count()
    records_before = Record.objects.count()
    # Every staff route is in the walk, compared as sets of routes (a new staff page must be
    # added to staff_urls, or this fails naming it). Export formats: every registered one.
    walked = {resolve(u.split("?")[0]).route for _m, u in urls}
    missing = staff_routes() - walked
    assert not missing, f"staff routes not in the cross-tenant walk: {sorted(missing)}"
    assert {u.split("/")[4] for _m, u in urls if u.startswith("/staff/reception/export/")} >= set(
        FORMATS
    ) | {"check"}
    data = {
        "status-to_status": "completed",
        "bulk-receipts": [application.receipt_number],
        "bulk-to_status": "completed",
        "comment-body": "x",
        "assign-assignee": "",
        "label": "x",
        # Vaccinations: forms that would succeed for 千代田区's own staff and clinic.
        "add-product": "comirnaty",
        "add-lot": "XX0001",
        "add-dose_number": "3",
        "add-administered_on": days_ago(1),
        "add-site_code": vaccinations.DEMO_CLINIC_CODE,
        "move-from_municipality": YOKOHAMA,
        "product": record.product,
        "lot": "XX0002",
        "dose_number": str(record.dose_number),
        "administered_on": record.administered_on.isoformat(),
        "site_code": record.site_code,
        "reason": "x",
        "confirm_partial": "on",
    }
    for username in ("yokohama-worker", "yokohama-admin", "yokohama-clinic"):
        staff_login(client, username)
        for method, url in urls:
            response = getattr(client, method)(url, data if method == "post" else None)
            if url == "/staff/forms/" and response.status_code == 200:
                # The forms list takes no municipality: an administrator sees their own only.
                assert "千代田区" not in response.content.decode()
                continue
            if url.startswith("/staff/counter/?") and response.status_code == 200:
                # The search takes no municipality: only the user's own residents are found.
                assert str(taro.subject) not in response.content.decode()
                continue
            route = resolve(url.split("?")[0]).route
            if route in VACCINATIONS_OWN and response.status_code in {200, 302}:
                # Pages of the user's own municipality (a clinic's upload page, a staff member's
                # search, counts, CSV, exchanges): none of 千代田区's data.
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                ).decode()
                # (the search term itself is echoed back in the search box)
                found = [m for m in markers if m in body and m not in url]
                assert not found, (username, method, url, found)
                if response.status_code == 302:
                    assert response["Location"] in {"/staff/vaccinations/clinic/"}, url
                continue
            assert response.status_code in DENIED, (username, method, url, response.status_code)
            assert response.status_code in DENIED, (username, method, url, response.status_code)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not application.reception_comments.exists()
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.raw_answers == {}
    assert not taro.applications.exclude(pk=draft.pk).filter(channel="counter").exists()
    attempts = delivery.attempts
    delivery.refresh_from_db()
    assert delivery.attempts == attempts  # no resend was triggered
    before = (record.lot, record.voided_at)
    record.refresh_from_db()
    assert (record.lot, record.voided_at) == before and not record.changes.exists()
    status = upload.status
    upload.refresh_from_db()
    assert upload.status == status and upload.rows_imported == 0
    transfer.refresh_from_db()
    assert transfer.taken_over_at is None
    assert Transfer.objects.count() == transfers_before
    assert Record.objects.count() == records_before
    assert resident.vaccination_voucher.number == voucher
    assert Upload.objects.exclude(clinic__code="1410199999").count() == 1


def test_isolation_yokohama_worker_gets_403_or_404(client, chiyoda_data):
    """The strict form: each URL answers 403 or 404 to 横浜市's case worker."""
    application, attachment, delivery = chiyoda_data
    staff_login(client, "yokohama-worker")
    app = f"/staff/reception/applications/{application.receipt_number}/"
    for method, url in [
        ("get", app),
        ("post", f"{app}status/"),
        ("post", f"{app}comments/"),
        ("post", f"{app}assign/"),
        ("post", f"{app}hold/"),
        ("get", f"{app}linkage/"),
        ("post", f"{app}linkage/"),
        ("get", f"{app}attachments/{attachment.pk}/"),
        ("get", f"/staff/reception/audit/?municipality={CHIYODA}"),
        ("get", f"/staff/reception/webhooks/?municipality={CHIYODA}"),
        ("post", f"/staff/reception/webhooks/deliveries/{delivery.pk}/resend/"),
        ("get", "/staff/forms/"),
        ("get", f"/staff/forms/{CHIYODA}/disaster-certificate/"),
    ]:
        assert getattr(client, method)(url).status_code in DENIED, url


def test_isolation_exports_of_another_municipality_are_empty(client, chiyoda_data):
    application, *_ = chiyoda_data
    staff_login(client, "yokohama-worker")
    for fmt in FORMATS:  # every registered format (was csv and json only)
        response = client.get(
            f"/staff/reception/export/{fmt}/", {"receipt_number": application.receipt_number}
        )
        assert response.status_code == 200, fmt
        raw = b"".join(response.streaming_content)
        blobs = [raw]
        if raw.startswith(b"PK"):  # a ZIP: look inside, compressed bytes prove nothing
            archive = zipfile.ZipFile(io.BytesIO(raw))
            assert not [n for n in archive.namelist() if n.endswith(".pdf")], fmt
            blobs = [archive.read(name) for name in archive.namelist()]
        for blob in blobs:
            content = blob.decode("utf-8", "ignore") + blob.decode("cp932", "ignore")
            assert application.receipt_number not in content, fmt
            assert "𠮷" not in content and "&#x20BB7;" not in content, fmt


def test_isolation_reception_api_with_another_municipalitys_credential(
    client, chiyoda_data, yokohama_token
):
    application, attachment, _ = chiyoda_data
    auth = {"HTTP_AUTHORIZATION": f"Bearer {yokohama_token}"}
    base = f"/api/v1/reception/applications/{application.receipt_number}"
    listing = client.get("/api/v1/reception/applications", **auth)
    assert listing.status_code == 200 and listing.json()["results"] == []
    listing = client.get("/api/v1/reception/applications?include_acknowledged=true", **auth)
    assert listing.json()["results"] == []
    walk = [
        ("get", base),
        ("get", f"{base}/attachments/{attachment.pk}"),
        ("post", f"{base}/ack"),
        ("post", f"{base}/status"),
    ]
    # Every reception API route is walked (the listing above, the rest here), as a set.
    api_routes = {p for p in _patterns(get_resolver()) if p.startswith("api/v1/reception/")}
    walked = {resolve(u).route for _m, u in walk} | {"api/v1/reception/applications"}
    assert api_routes == walked, sorted(api_routes ^ walked)
    for method, url in walk:
        response = (
            getattr(client, method)(
                url, {"status": "completed"}, content_type="application/json", **auth
            )
            if method == "post"
            else client.get(url, **auth)
        )
        assert response.status_code in DENIED, url
        assert response["Content-Type"] == "application/problem+json"
    application.refresh_from_db()
    assert application.status == "submitted"


def test_isolation_reception_api_without_or_with_a_wrong_credential(client, chiyoda_data):
    application, *_ = chiyoda_data
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer mdg_wrong"}, {"HTTP_AUTHORIZATION": "x"}):
        response = client.get(
            f"/api/v1/reception/applications/{application.receipt_number}", **headers
        )
        assert response.status_code in {401, 403}
        assert "API資格情報" in response.json()["title"]
