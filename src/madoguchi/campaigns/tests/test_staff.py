"""The staff side: push idempotent, four-eyes approval, the transfer file parsed back, the
振込不能 import, scoping and the pages (errors at the field, audit, progress refresh)."""

import datetime
import io

import pytest
from django.urls import reverse

from madoguchi.apply.tests.conftest import sign_in
from madoguchi.audit.models import AuditEvent
from madoguchi.campaigns import services
from madoguchi.campaigns.models import Campaign, Entitlement, Payment
from madoguchi.campaigns.testing import campaign_for
from madoguchi.campaigns.types import EntitlementState, Method, PaymentState
from madoguchi.core import zengin
from madoguchi.notices import selectors as notice_selectors
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

from .conftest import CHIYODA
from .test_confirmation import ACCOUNT, entitlement_of

pytestmark = pytest.mark.django_db
PAYER = {
    "requester_code": "1310160001",
    "requester_name_kana": "ﾁﾖﾀﾞｸ",
    "bank_code": "0001",
    "branch_code": "001",
    "account_type": 1,
    "account_number": "7654321",
}


def confirmed_campaign(admin_user, keys=("yoshida-taro", "sato-jiro")):
    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    services.campaign_push(campaign=campaign)
    for key in keys:
        resident = demo_resident(key)
        services.entitlement_confirm(
            entitlement=entitlement_of(campaign, key),
            resident=resident,
            account=ACCOUNT,
            method=Method.PUBLIC_FUNDS,
            pin=DEMO_SIGN_PIN,
        )
    return campaign


def test_push_sends_each_household_one_notice_and_a_rerun_nothing(chiyoda, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    assert services.campaign_push(campaign=campaign) == 6
    assert services.campaign_push(campaign=campaign) == 0
    taro = demo_resident("yoshida-taro")
    inbox = list(notice_selectors.inbox(taro.pk))
    assert len(inbox) == 1
    assert "70,000" in inbox[0].body and str(campaign.public_id) in inbox[0].link
    assert notice_selectors.inbox(demo_resident("yoshida-hanako").pk).count() == 0
    assert (
        Entitlement.objects.filter(campaign=campaign, state=EntitlementState.NOTIFIED).count() == 6
    )


def test_four_eyes_and_the_transfer_file_parses_back(chiyoda, admin_user, worker):
    campaign = confirmed_campaign(admin_user)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None and batch.count == 2 and batch.amount == 70000 + 30000
    with pytest.raises(services.NotAllowed):
        services.approval_confirm(batch=batch, user=worker)
    assert services.approval_confirm(batch=batch, user=admin_user) == 2
    payment_file = services.payment_file_create(
        campaign=campaign,
        municipality_code=CHIYODA,
        user=worker,
        transfer_date=datetime.date(2026, 2, 20),
        payer=PAYER,
    )
    assert payment_file is not None
    # Nothing is paid twice: a second file has nothing to pay.
    assert (
        services.payment_file_create(
            campaign=campaign,
            municipality_code=CHIYODA,
            user=worker,
            transfer_date=datetime.date(2026, 2, 21),
            payer=PAYER,
        )
        is None
    )
    out = io.BytesIO()
    totals = services.payment_file_write(payment_file=payment_file, out=out)
    assert (totals.count, totals.amount) == (2, 100000)
    data = out.getvalue()
    assert all(len(line) == 120 for line in data.split(b"\r\n")[:-1])
    items = list(zengin.parse_transfer_file(io.BytesIO(data), year=2026))
    header, *records, trailer, end = items
    assert all(isinstance(r, zengin.TransferRecord) for r in records)
    assert isinstance(trailer, zengin.TransferTrailer)
    assert isinstance(header, zengin.TransferHeader) and header.requester_code == "1310160001"
    assert [r.amount for r in records] == [70000, 30000]  # type: ignore[union-attr]
    assert {r.recipient_kana for r in records} == {"ﾖｼﾀﾞ ﾀﾛｳ"}  # type: ignore[union-attr]
    assert (trailer.count, trailer.amount) == (2, 100000)
    assert isinstance(end, zengin.TransferEnd)


def _unpaid_file(data: bytes, customer_codes: set[str], reason: str = "1") -> bytes:
    """The bank's answer: the transfer file with a 不能事由 at byte 114 (1-based) of the data
    records of those customer codes (顧客コード1: bytes 92–101)."""
    at = zengin.RESULT_CODE_POSITION - 1
    lines = data.split(b"\r\n")
    for i, line in enumerate(lines):
        if line[:1] == b"2" and line[91:101].decode("ascii") in customer_codes:
            lines[i] = line[:at] + reason.encode() + line[at + 1 :]
    return b"\r\n".join(lines)


def test_unpaid_import_reopens_exactly_those_and_asks_for_an_account(chiyoda, admin_user, worker):
    campaign = confirmed_campaign(admin_user)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    services.approval_confirm(batch=batch, user=admin_user)
    payment_file = services.payment_file_create(
        campaign=campaign,
        municipality_code=CHIYODA,
        user=worker,
        transfer_date=datetime.date(2026, 2, 20),
        payer=PAYER,
    )
    assert payment_file is not None
    out = io.BytesIO()
    services.payment_file_write(payment_file=payment_file, out=out)
    sato = entitlement_of(campaign, "sato-jiro")
    unpaid = _unpaid_file(out.getvalue(), {sato.customer_code})
    result = services.unpaid_import(
        campaign=campaign, municipality_code=CHIYODA, fp=io.BytesIO(unpaid), user=worker
    )
    assert result.failed == 1 and result.unknown == []
    sato.refresh_from_db()
    assert sato.state == EntitlementState.FAILED and sato.account is None
    taro = entitlement_of(campaign, "yoshida-taro")
    assert taro.state == EntitlementState.PAID
    assert Payment.objects.get(entitlement=sato).state == PaymentState.FAILED
    notices = list(notice_selectors.inbox(demo_resident("sato-jiro").pk))
    assert any("振込" in n.subject or "transfer" in n.subject for n in notices)
    # The same file again changes nothing more (the payment is failed already).
    again = services.unpaid_import(
        campaign=campaign, municipality_code=CHIYODA, fp=io.BytesIO(unpaid), user=worker
    )
    assert again.failed == 0 and again.unknown == [sato.customer_code]
    # Re-opened: the resident confirms again with another account, and is paid once more.
    services.entitlement_confirm(
        entitlement=sato,
        resident=demo_resident("sato-jiro"),
        account=ACCOUNT,
        method=Method.FORM,
        pin=DEMO_SIGN_PIN,
    )
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    services.approval_confirm(batch=batch, user=admin_user)
    second = services.payment_file_create(
        campaign=campaign,
        municipality_code=CHIYODA,
        user=worker,
        transfer_date=datetime.date(2026, 3, 2),
        payer=PAYER,
    )
    assert second is not None and second.count == 1
    assert Payment.objects.filter(entitlement=sato).count() == 2


def test_a_malformed_result_file_changes_nothing(chiyoda, admin_user, worker):
    campaign = confirmed_campaign(admin_user, keys=("sato-jiro",))
    with pytest.raises(zengin.ZenginFormatError):
        services.unpaid_import(
            campaign=campaign, municipality_code=CHIYODA, fp=io.BytesIO(b"2" * 50), user=worker
        )


# --- pages ----------------------------------------------------------------------------------


def test_create_form_errors_at_the_field(client, admin_user):
    staff_login(client, admin_user)
    response = client.post(
        reverse("campaigns:staff-new"),
        {
            "name": "",
            "base_date": "2026-13-01",
            "unit": "household",
            "age_min": "70",
            "age_max": "65",
            "amount_per_household": "0",
            "amount_per_person": "0",
            "amount_per_child": "0",
            "child_age_under": "18",
            "applicant": "householder",
            "opens_on": "2026-02-01",
            "closes_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"]
    assert "base_date" in form.errors and "age_max" in form.errors
    assert "closes_on" in form.errors and "amount_per_household" in form.errors
    assert not Campaign.objects.exists()


def test_staff_page_is_scoped_audited_and_refreshes_while_a_job_runs(
    client, admin_user, django_user_model, django_capture_on_commit_callbacks
):
    campaign = campaign_for(CHIYODA, user=admin_user)
    yokohama = django_user_model.objects.get(username="yokohama-admin")
    staff_login(client, yokohama)
    assert (
        client.get(reverse("campaigns:staff-detail", args=[campaign.public_id])).status_code == 404
    )
    staff_login(client, admin_user)
    response = client.get(reverse("campaigns:staff-detail", args=[campaign.public_id]))
    assert response.status_code == 200 and "Refresh" not in response
    assert AuditEvent.objects.filter(
        action="campaign.staff_viewed", municipality_code=CHIYODA
    ).exists()
    # The immediate task backend (tests) runs the job at once; the page then shows its result.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaigns:staff-job", args=[campaign.public_id, "compute"]))
    assert response.status_code == 302
    assert Entitlement.objects.filter(campaign=campaign).count() == 6
    from madoguchi.campaigns.models import CampaignJob

    job = CampaignJob.objects.get(campaign=campaign)
    assert (job.state, job.done, job.total, job.result) == ("done", 6, 6, 6)
    CampaignJob.objects.create(campaign=campaign, kind="push", state="running", total=6, done=3)
    response = client.get(reverse("campaigns:staff-detail", args=[campaign.public_id]))
    assert response["Refresh"] == "3"
    assert b"<progress" in response.content


def test_payment_download_is_streamed_and_audited(client, admin_user, worker):
    campaign = confirmed_campaign(admin_user, keys=("sato-jiro",))
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    services.approval_confirm(batch=batch, user=admin_user)
    staff_login(client, worker)
    response = client.post(
        reverse("campaigns:staff-payment-file", args=[campaign.public_id]),
        {"transfer_date": "2026-02-20", **PAYER},
    )
    assert response.status_code == 302
    payment_file = campaign.payment_files.get()
    response = client.get(
        reverse(
            "campaigns:staff-payment-download", args=[campaign.public_id, payment_file.public_id]
        )
    )
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    assert len(body) == 4 * 122
    assert AuditEvent.objects.filter(action="campaign.payment_file_downloaded").count() == 1


def test_payer_form_errors_at_the_field(client, admin_user, worker):
    campaign = confirmed_campaign(admin_user, keys=())
    staff_login(client, worker)
    response = client.post(
        reverse("campaigns:staff-payment-file", args=[campaign.public_id]),
        {
            **PAYER,
            "transfer_date": "2026-02-20",
            "bank_code": "9999",
            "requester_name_kana": "千代田区€",
        },
    )
    assert response.status_code == 400
    errors = response.context["payer_form"].errors
    assert "bank_code" in errors and "requester_name_kana" in errors


def test_resident_pages_confirm_in_two_taps_or_with_the_form(client, admin_user):
    from madoguchi.publicfunds.testing import account_for

    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    services.campaign_push(campaign=campaign)
    taro = demo_resident("yoshida-taro")
    account_for(taro)
    sign_in(client, taro)
    url = reverse("campaigns:confirm", args=[campaign.public_id])
    response = client.get(url)  # the 確認書 with the 公金受取口座
    assert "この口座で受け取る" in response.content.decode()
    assert AuditEvent.objects.filter(action="campaign.viewed").exists()
    sign_url = reverse("campaigns:sign", args=[campaign.public_id])
    assert client.get(sign_url).status_code == 200  # tap 1
    response = client.post(sign_url, {"pin": DEMO_SIGN_PIN})  # tap 2
    assert response.status_code == 302
    assert entitlement_of(campaign, "yoshida-taro").state == EntitlementState.CONFIRMED
    assert (
        "確認済み" in client.get(url).content.decode() or "署名" in client.get(url).content.decode()
    )
    # Another member of the household is told at once why not (householder rule).
    sign_in(client, demo_resident("yoshida-hanako"))
    body = client.get(url).content.decode()
    assert "世帯主" in body


def test_not_eligible_is_told_why_and_nothing_is_stored(client, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user, tax_exempt=True)
    services.eligibility_compute(campaign=campaign)
    services.campaign_push(campaign=campaign)
    taro = demo_resident("yoshida-taro")
    sign_in(client, taro)
    before = Entitlement.objects.count()
    body = client.get(reverse("campaigns:confirm", args=[campaign.public_id])).content.decode()
    assert "住民税" in body
    assert client.get(reverse("campaigns:sign", args=[campaign.public_id])).status_code == 302
    assert Entitlement.objects.count() == before


def test_bank_form_errors_at_the_field_and_nothing_stored(client, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    services.campaign_push(campaign=campaign)
    sato = demo_resident("sato-jiro")
    sign_in(client, sato)
    url = reverse("campaigns:confirm", args=[campaign.public_id])
    response = client.post(
        url,
        {
            "bank_code": "9999",
            "branch_code": "12",
            "account_type": "1",
            "account_number": "12a",
            "holder_kana": "佐藤次郎",
            "pin": DEMO_SIGN_PIN,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"bank_code", "branch_code", "account_number", "holder_kana"} <= set(errors)
    assert entitlement_of(campaign, "sato-jiro").state == EntitlementState.NOTIFIED
    # The holder is prefilled from the registry's kana, in 全銀 half-width kana.
    fresh = client.get(url).content.decode()
    assert "ｻﾄｳ ｼﾞﾛｳ" in fresh or "ｻﾄｳ" in fresh
    response = client.post(
        url,
        {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": "1",
            "account_number": "123456",
            "holder_kana": "サトウ ジロウ",
            "pin": DEMO_SIGN_PIN,
        },
    )
    assert response.status_code == 302
    done = entitlement_of(campaign, "sato-jiro")
    assert done.state == EntitlementState.CONFIRMED and done.method == Method.FORM
    assert done.account["number"] == "0123456" and done.account["holder_kana"] == "ｻﾄｳ ｼﾞﾛｳ"
