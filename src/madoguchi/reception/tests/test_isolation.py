"""Tenant isolation: staff and API credentials of 横浜市 (141003) walk every staff URL and every
reception API endpoint aimed at 千代田区's applications and get 403 or 404 — never data."""

import datetime
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from madoguchi.accounts.models import Membership, User
from madoguchi.applications.models import Attachment
from madoguchi.campaigns import services as campaigns
from madoguchi.campaigns.models import ApprovalBatch, Campaign, Entitlement, Payment, PaymentFile
from madoguchi.campaigns.testing import campaign_data, campaign_for
from madoguchi.campaigns.tests.test_confirmation import ACCOUNT, entitlement_of
from madoguchi.campaigns.tests.test_staff import PAYER, _unpaid_file
from madoguchi.campaigns.types import EntitlementState, Method
from madoguchi.notices import services as notices
from madoguchi.notices.models import Notice, TemplateOverride
from madoguchi.reception.exports import FORMATS
from madoguchi.reception.models import WebhookDelivery
from madoguchi.reception.testing import staff_login
from madoguchi.reception.webhooks import endpoint_create
from madoguchi.signatures.services import DEMO_SIGN_PIN
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


def campaign_urls(campaign, batch, payment_file):
    """The benefit campaigns' staff URLs (madoguchi.campaigns) aimed at a campaign, its batch
    waiting for the second person's approval, its transfer file and its flagged household."""
    base = f"/staff/campaigns/{campaign.public_id}/"
    flagged = Entitlement.objects.filter(campaign=campaign, municipality_code=CHIYODA).exclude(
        flag=""
    )
    return [
        ("get", f"{base}flags/"),
        ("post", f"{base}flags/{flagged.get().pk}/"),
        ("post", f"{base}approvals/{batch.pk}/withdraw/"),
        ("post", f"{base}payment-files/{payment_file.public_id}/cancel/"),
        ("post", f"{base}payment-files/{payment_file.public_id}/sent/"),
        ("get", f"{base}"),
        ("get", f"{base}edit/"),
        ("post", f"{base}edit/"),
        ("post", f"{base}jobs/compute/"),
        ("post", f"{base}jobs/push/"),
        ("post", f"{base}jobs/flags/"),
        ("post", f"{base}approvals/"),
        ("post", f"{base}approvals/{batch.pk}/confirm/"),
        ("post", f"{base}payment-files/"),
        ("get", f"{base}payment-files/{payment_file.public_id}/"),
        ("post", f"{base}unpaid/"),
    ]


def notice_urls(template):
    """The notices' staff URLs (madoguchi.notices) asked for 千代田区 (?municipality=, and the
    form's municipality field in every POST), then the user's own pages."""
    q = f"?municipality={CHIYODA}"
    return [
        ("get", f"/staff/notices/{q}"),
        ("get", f"/staff/notices/templates/{q}"),
        ("get", f"/staff/notices/templates/{template}/{q}"),
        ("post", f"/staff/notices/templates/{template}/{q}"),
        ("post", f"/staff/notices/templates/{template}/"),
        ("get", f"/staff/notices/send/{q}"),
        ("post", f"/staff/notices/send/{q}"),
        ("post", "/staff/notices/send/"),
        ("post", f"/staff/notices/send/confirm/{q}"),
        ("post", "/staff/notices/send/confirm/"),
        # The user's own municipality: nothing of 千代田区's notices or wording.
        ("get", "/staff/notices/"),
        ("get", "/staff/notices/templates/"),
        ("get", f"/staff/notices/templates/{template}/"),
        ("get", "/staff/notices/send/"),
    ]


# Campaign and notice pages of the user's own municipality (no object of 千代田区's): a 200 or
# a 302 must show nothing of 千代田区's (the markers of chiyoda_campaigns). "new" makes a
# campaign of the user's own municipality (checked after the walk).
CAMPAIGNS_OWN = {"/staff/campaigns/", "/staff/campaigns/new/"}
NOTICES_OWN = {
    "/staff/notices/",
    "/staff/notices/templates/",
    "/staff/notices/templates/campaigns.eligible/",
    "/staff/notices/send/",
}


def _paid_and_pending(campaign, admin, worker):
    """After compute and push: 𠮷田 太郎's household confirmed, approved (four eyes) and in a
    transfer file of 千代田区; 佐藤 次郎's confirmed and in a batch waiting for approval."""
    campaigns.eligibility_compute(campaign=campaign)
    campaigns.campaign_push(campaign=campaign)
    from madoguchi.signatures.testing import demo_resident

    def confirm(key):
        campaigns.entitlement_confirm(
            entitlement=entitlement_of(campaign, key),
            resident=demo_resident(key),
            account=ACCOUNT,
            method=Method.PUBLIC_FUNDS,
            pin=DEMO_SIGN_PIN,
        )
        return campaigns.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)

    paid = confirm("yoshida-taro")
    assert paid is not None
    campaigns.approval_confirm(batch=paid, user=admin)
    payment_file = campaigns.payment_file_create(
        campaign=campaign,
        municipality_code=CHIYODA,
        user=worker,
        transfer_date=datetime.date(2026, 2, 20),
        payer=PAYER,
    )
    pending = confirm("sato-jiro")
    assert payment_file is not None and pending is not None
    # 高橋 一郎's household is flagged (moved out after the 基準日): it waits for a decision.
    Entitlement.objects.filter(
        campaign=campaign, household_id=demo_resident("takahashi-ichiro").household_id
    ).update(flag="moved_out", flag_since=datetime.date(2026, 2, 1))
    return pending, payment_file


@pytest.fixture
def chiyoda_campaigns(chiyoda_data):
    """千代田区's own benefit campaign and a national one (national-admin, all municipalities),
    each with 千代田区's entitlements, a paid transfer file and a batch waiting for approval;
    a notice sent by 千代田区 to a segment and its own wording of the eligibility notice."""
    from madoguchi.linkage.services import linkage_demo_load

    linkage_demo_load()
    admin = User.objects.get(username="chiyoda-admin")
    worker = User.objects.get(username="chiyoda-worker")
    notices.template_override_save(
        municipality_id=CHIYODA,
        code="campaigns.eligible",
        subject="ちよだ独自の件名：{campaign}",
        body="ちよだ独自の本文 {amount}円",
        actor=admin,
    )
    own = campaign_for(CHIYODA, user=admin, name="ちよだ子育て応援給付金")
    national = campaign_for(
        None, user=User.objects.get(username="national-admin"), name="全国物価高騰対策給付金"
    )
    own_batch, own_file = _paid_and_pending(own, admin, worker)
    national_batch, national_file = _paid_and_pending(national, admin, worker)
    from madoguchi.signatures.testing import demo_resident

    notices.notice_send(
        resident_id=demo_resident("takahashi-ichiro").pk,
        municipality_id=CHIYODA,
        template=notices.STAFF_TEMPLATE,
        context={"subject": "ちよだ断水のお知らせ", "body": "ちよだ一丁目は断水します。"},
        dedupe_key="isolation-chiyoda-1",
    )
    return (own, own_batch, own_file), (national, national_batch, national_file)


def _body(response):
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8", "ignore")


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
    client, chiyoda_data, chiyoda_vaccinations, chiyoda_campaigns
):
    application, attachment, delivery = chiyoda_data
    resident, record, upload, transfer = chiyoda_vaccinations
    (own, own_batch, own_file), (national, national_batch, national_file) = chiyoda_campaigns
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
        + [("get", "/staff/campaigns/"), ("get", "/staff/campaigns/new/")]
        + [("post", "/staff/campaigns/new/")]
        + campaign_urls(own, own_batch, own_file)
        + campaign_urls(national, national_batch, national_file)
        + notice_urls("campaigns.eligible")
    )
    # The national campaign is seen by every municipality's staff, and a municipality's staff
    # approve, pay and import 振込不能 for their own households in it: those answers are allowed
    # (a page or a redirect to the campaign) but show or change nothing of 千代田区's. Its jobs
    # (compute, push, and the registry check over every municipality) are the national
    # administrator's: denied.
    national_base = f"/staff/campaigns/{national.public_id}/"
    national_seen = {
        national_base,
        f"{national_base}flags/",
        f"{national_base}approvals/",
        f"{national_base}payment-files/",
        f"{national_base}unpaid/",
    }
    from madoguchi.signatures.testing import demo_resident

    sato = demo_resident("sato-jiro")
    chiyoda_amount = sum(
        Entitlement.objects.filter(campaign=national, municipality_code=CHIYODA).values_list(
            "amount", flat=True
        )
    )
    campaign_markers = [
        own.name,
        str(own.public_id),
        str(own_file.public_id),
        str(national_file.public_id),
        sato.family_name,
        sato.family_name_kana,
        demo_resident("takahashi-ichiro").family_name,
        ACCOUNT.holder_kana,
        PAYER["requester_code"],
        # 千代田区's sums (not the definition's amounts, which the campaign page shows).
        f"{own_file.amount:,}",
        f"{national_file.amount:,}",
        f"{chiyoda_amount:,}",
        "ちよだ断水のお知らせ",
        "ちよだ独自",
    ]
    # The banks' 振込不能 answers to 千代田区's transfer files (𠮷田 太郎's payment failed),
    # imported by 横浜市's staff into each campaign: they must match nothing.
    unpaid = {}
    for campaign, payment_file in ((own, own_file), (national, national_file)):
        out = io.BytesIO()
        campaigns.payment_file_write(payment_file=payment_file, out=out)
        taro_entitlement = entitlement_of(campaign, "yoshida-taro")
        unpaid[f"/staff/campaigns/{campaign.public_id}/unpaid/"] = _unpaid_file(
            out.getvalue(), {taro_entitlement.customer_code}
        )
    chiyoda_notices = Notice.objects.filter(municipality_id=CHIYODA).count()
    campaigns_before = set(Campaign.objects.values_list("pk", flat=True))
    entitlements_before = set(
        Entitlement.objects.filter(municipality_code=CHIYODA).values_list(
            "pk", "state", "flag", "batch_id", "amount", "decision"
        )
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
    yokohama_campaign = campaign_data(name="横浜の給付金")
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
        # Campaigns: a definition, the payer of a transfer file (valid for 千代田区's staff).
        **{k: "" if v is None else str(v) for k, v in yokohama_campaign.items()},
        **{k: str(v) for k, v in PAYER.items()},
        "transfer_date": "2026-03-02",
        # Notices: 千代田区 chosen, a wording to save and a send to every resident.
        "municipality": CHIYODA,
        "subject": "横浜の件名",
        "body": "横浜の本文 {amount}円",
        "action": "save",
        "target": "all_with_account",
        "link": "/procedures/",
        "send_key": "f" * 32,
    }
    data["tax_exempt"] = ""
    for username in ("yokohama-worker", "yokohama-admin", "yokohama-clinic"):
        staff_login(client, username)
        for method, url in urls:
            payload = data
            if url in unpaid:
                payload = {**data, "file": SimpleUploadedFile("kekka.txt", unpaid[url])}
            response = getattr(client, method)(url, payload if method == "post" else None)
            if url == "/staff/forms/" and response.status_code == 200:
                # The forms list takes no municipality: an administrator sees their own only.
                assert "千代田区" not in response.content.decode()
                continue
            if url.startswith("/staff/counter/?") and response.status_code == 200:
                # The search takes no municipality: only the user's own residents are found.
                assert str(taro.subject) not in response.content.decode()
                continue
            if (
                url in CAMPAIGNS_OWN or url in NOTICES_OWN or url in national_seen
            ) and response.status_code in {200, 302}:
                # Pages of the user's own municipality (campaigns, notices, wording) and the
                # national campaign: none of 千代田区's households, payments or notices.
                body = _body(response)
                found = [m for m in markers + campaign_markers if m in body]
                assert not found, (username, method, url, found)
                if response.status_code == 302:
                    location = response["Location"]
                    assert location.startswith("/staff/campaigns/"), (url, location)
                    if url != "/staff/campaigns/new/":
                        # Back to the campaign page of the user's own municipality.
                        page, _q, query = location.partition("#")[0].partition("?")
                        assert page == national_base, (url, location)
                        assert CHIYODA not in query, (url, location)
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
    # Campaigns: nothing of 千代田区's changed; what 横浜市 made is 横浜市's.
    for campaign in (own, national):
        name, version = campaign.name, campaign.version
        campaign.refresh_from_db()
        assert (campaign.name, campaign.version) == (name, version)
    assert not own.jobs.exists() and not national.jobs.exists()
    assert (
        set(
            Entitlement.objects.filter(municipality_code=CHIYODA).values_list(
                "pk", "state", "flag", "batch_id", "amount", "decision"
            )
        )
        == entitlements_before
    )
    for batch in (own_batch, national_batch):
        batch.refresh_from_db()
        assert batch.confirmed_at is None and batch.confirmed_by is None
        assert batch.withdrawn_at is None
    assert not PaymentFile.objects.exclude(cancelled_at__isnull=True, sent_at__isnull=True).exists()
    assert ApprovalBatch.objects.filter(municipality_code=CHIYODA).count() == 4
    assert PaymentFile.objects.filter(municipality_code=CHIYODA).count() == 2
    assert not Payment.objects.exclude(state="paid").exists()
    assert not PaymentFile.objects.exclude(municipality_code=CHIYODA).exists()
    assert not ApprovalBatch.objects.exclude(municipality_code=CHIYODA).exists()
    new = Campaign.objects.exclude(pk__in=campaigns_before)
    assert set(new.values_list("municipality_id", flat=True)) <= {YOKOHAMA}
    assert not Entitlement.objects.filter(campaign__in=new).exists()
    assert (
        Entitlement.objects.filter(
            campaign=national, municipality_code=CHIYODA, state=EntitlementState.PAID
        ).count()
        == 1
    )
    # Notices: no send, no wording changed or made by 横浜市's staff.
    assert Notice.objects.filter(municipality_id=CHIYODA).count() == chiyoda_notices
    assert not Notice.objects.exclude(municipality_id=CHIYODA).exists()
    override = TemplateOverride.objects.get()
    assert (override.municipality_id, override.subject) == (CHIYODA, "ちよだ独自の件名：{campaign}")


def test_isolation_a_national_campaigns_jobs_stay_with_the_national_administrator(
    client, chiyoda_data, django_capture_on_commit_callbacks
):
    """A national campaign's jobs run over every municipality's households: 横浜市's staff
    neither start its registry check (it rewrote 千代田区's flags) nor see the jobs' figures
    (households done, eligible, flagged — here 千代田区's alone), while they still see the
    campaign and their own households' counts."""
    from madoguchi.linkage.services import linkage_demo_load

    linkage_demo_load()
    campaign = campaign_for(
        None, user=User.objects.get(username="national-admin"), name="全国物価高騰対策給付金"
    )
    base = f"/staff/campaigns/{campaign.public_id}/"
    staff_login(client, "national-admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{base}jobs/compute/").status_code == 302
    eligible = Entitlement.objects.filter(campaign=campaign).count()
    assert eligible == Entitlement.objects.filter(municipality_code=CHIYODA).count() == 6
    job = campaign.jobs.get()
    assert (job.state, job.result) == ("done", eligible)
    shown = f"結果：{eligible}件"
    assert shown in client.get(base).content.decode()
    for username in ("yokohama-worker", "yokohama-admin"):
        staff_login(client, username)
        body = client.get(base).content.decode()
        assert campaign.name in body and shown not in body, username
        assert f"{base}jobs/flags/" not in body, username  # no button
        for kind in ("compute", "push", "flags"):
            assert client.post(f"{base}jobs/{kind}/").status_code == 403, (username, kind)
    assert campaign.jobs.count() == 1
    # 千代田区's own staff check the registry of their own campaign, not of the national one.
    staff_login(client, "chiyoda-worker")
    assert client.post(f"{base}jobs/flags/").status_code == 403
    own = campaign_for(CHIYODA, user=User.objects.get(username="chiyoda-admin"))
    campaigns.eligibility_compute(campaign=own)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/staff/campaigns/{own.public_id}/jobs/flags/").status_code == 302
    assert own.jobs.get().state == "done"


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
