"""Undo: withdraw a batch still waiting for approval; cancel a transfer file (payments voided,
entitlements paid again in a new file) — not downloaded: until marked sent; downloaded: until
the day before the 振込指定日 with the tick box; sent: never. Two staff at once: one outcome."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from madoguchi.audit.models import AuditEvent
from madoguchi.campaigns import services
from madoguchi.campaigns.models import ApprovalBatch, Entitlement, Payment, PaymentFile
from madoguchi.campaigns.types import EntitlementState, PaymentState
from madoguchi.core import zengin
from madoguchi.reception.testing import staff_login

from .conftest import CHIYODA, at_once
from .test_staff import PAYER, confirmed_campaign

DAY = datetime.timedelta(days=1)


def approved_campaign(admin_user, worker):
    campaign = confirmed_campaign(admin_user)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    services.approval_confirm(batch=batch, user=admin_user)
    return campaign


def make_file(campaign, worker, transfer_date=None):
    payment_file = services.payment_file_create(
        campaign=campaign,
        municipality_code=CHIYODA,
        user=worker,
        transfer_date=transfer_date or timezone.localdate() + 3 * DAY,
        payer=PAYER,
    )
    assert payment_file is not None
    return payment_file


def states(campaign):
    return sorted(Entitlement.objects.filter(campaign=campaign).values_list("state", flat=True))


@pytest.mark.django_db
def test_withdraw_a_waiting_batch_and_ask_again(chiyoda, admin_user, worker):
    campaign = confirmed_campaign(admin_user)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    # The second person declines by withdrawing it (nothing is approved by that).
    assert services.approval_withdraw(batch=batch, user=admin_user) == 2
    assert not Entitlement.objects.filter(batch=batch).exists()
    with pytest.raises(services.NotAllowed):
        services.approval_confirm(batch=batch, user=admin_user)
    with pytest.raises(services.AlreadyConfirmed):
        services.approval_withdraw(batch=batch, user=worker)
    again = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert again is not None and again.count == 2
    services.approval_confirm(batch=again, user=admin_user)
    with pytest.raises(services.NotAllowed):
        services.approval_withdraw(batch=again, user=worker)
    assert AuditEvent.objects.filter(
        action="campaign.approval_withdrawn", object_id=str(batch.pk)
    ).exists()


@pytest.mark.django_db
def test_cancel_an_undownloaded_file_voids_and_pays_again_in_a_new_file(
    chiyoda, admin_user, worker
):
    campaign = approved_campaign(admin_user, worker)
    first = make_file(campaign, worker)
    assert states(campaign)[-2:] == [EntitlementState.PAID] * 2
    # Not downloaded: no tick box needed, even on the transfer date itself.
    PaymentFile.objects.filter(pk=first.pk).update(transfer_date=timezone.localdate())
    first.refresh_from_db()
    assert (
        services.payment_file_cancel(payment_file=first, user=worker, not_sent_confirmed=False) == 2
    )
    assert set(Payment.objects.filter(payment_file=first).values_list("state", flat=True)) == {
        PaymentState.VOIDED
    }
    assert EntitlementState.PAID not in states(campaign)
    second = make_file(campaign, worker)
    assert (second.count, second.amount) == (2, 100000)
    out = io.BytesIO()
    totals = services.payment_file_write(payment_file=second, out=out)
    assert (totals.count, totals.amount) == (2, 100000)
    # The cancelled file is not handed out any more, and cannot be sent.
    with pytest.raises(services.NotAllowed):
        services.payment_file_downloaded(payment_file=first, user=worker, ip_address=None)
    with pytest.raises(services.NotAllowed):
        services.payment_file_mark_sent(payment_file=first, user=worker)
    assert AuditEvent.objects.filter(
        action="campaign.payment_file_cancelled", object_id=str(first.public_id)
    ).exists()


@pytest.mark.django_db
def test_a_downloaded_file_needs_the_tick_box_and_the_day_before(chiyoda, admin_user, worker):
    campaign = approved_campaign(admin_user, worker)
    payment_file = make_file(campaign, worker, transfer_date=timezone.localdate() + DAY)
    services.payment_file_downloaded(payment_file=payment_file, user=worker, ip_address=None)
    payment_file.refresh_from_db()
    assert payment_file.downloaded_at is not None
    with pytest.raises(services.CampaignError) as caught:
        services.payment_file_cancel(
            payment_file=payment_file, user=worker, not_sent_confirmed=False
        )
    assert caught.value.field == "not_sent"
    # On the transfer date itself it is too late, tick box or not.
    PaymentFile.objects.filter(pk=payment_file.pk).update(transfer_date=timezone.localdate())
    payment_file.refresh_from_db()
    with pytest.raises(services.NotAllowed):
        services.payment_file_cancel(
            payment_file=payment_file, user=worker, not_sent_confirmed=True
        )
    PaymentFile.objects.filter(pk=payment_file.pk).update(transfer_date=timezone.localdate() + DAY)
    payment_file.refresh_from_db()
    assert (
        services.payment_file_cancel(
            payment_file=payment_file, user=worker, not_sent_confirmed=True
        )
        == 2
    )


@pytest.mark.django_db
def test_a_sent_file_is_never_cancelled(chiyoda, admin_user, worker):
    campaign = approved_campaign(admin_user, worker)
    payment_file = make_file(campaign, worker)
    services.payment_file_mark_sent(payment_file=payment_file, user=worker)
    with pytest.raises(services.AlreadyConfirmed):
        services.payment_file_mark_sent(payment_file=payment_file, user=admin_user)
    with pytest.raises(services.NotAllowed):
        services.payment_file_cancel(
            payment_file=payment_file, user=worker, not_sent_confirmed=True
        )
    assert states(campaign)[-2:] == [EntitlementState.PAID] * 2
    assert AuditEvent.objects.filter(action="campaign.payment_file_sent").count() == 1


@pytest.mark.django_db
def test_pages_cancel_with_the_tick_box_error_at_the_field_and_stale_forms(
    client, admin_user, worker
):
    campaign = approved_campaign(admin_user, worker)
    payment_file = make_file(campaign, worker)
    base = f"/staff/campaigns/{campaign.public_id}/payment-files/{payment_file.public_id}/"
    staff_login(client, worker)
    detail = reverse("campaigns:staff-detail", args=[campaign.public_id])
    page = client.get(detail).content.decode()
    assert f"{base}cancel/" in page and f"{base}sent/" in page
    assert client.get(base).status_code == 200  # downloaded
    page = client.get(detail).content.decode()
    assert "銀行に送っていないことを確認しました" in page
    response = client.post(f"{base}cancel/")
    assert response.status_code == 400
    assert "銀行に送っていないことを確認して" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(f"{base}cancel/", {"not_sent": "on"})
    assert response.status_code == 302 and response["Location"].startswith(detail)
    payment_file.refresh_from_db()
    assert payment_file.cancelled_at is not None and payment_file.cancelled_by == worker
    # Stale forms: a second cancel, a mark-as-sent and a download of the cancelled file are
    # messages on the campaign page, never an error page.
    for url, method in ((f"{base}cancel/", "post"), (f"{base}sent/", "post"), (base, "get")):
        response = getattr(client, method)(url, follow=True)
        assert response.status_code == 200, url
        assert "取り消" in response.content.decode(), url
    # A new file, marked sent; then a cancel of it is refused with a message.
    second = make_file(campaign, worker)
    base = f"/staff/campaigns/{campaign.public_id}/payment-files/{second.public_id}/"
    assert client.post(f"{base}sent/").status_code == 302
    response = client.post(f"{base}cancel/", {"not_sent": "on"}, follow=True)
    assert "銀行へ送信済みです。取り消しできません。" in response.content.decode()
    second.refresh_from_db()
    assert second.sent_at is not None and second.cancelled_at is None


@pytest.mark.django_db
def test_withdraw_page_and_a_stale_withdraw(client, admin_user, worker):
    campaign = confirmed_campaign(admin_user)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    url = reverse("campaigns:staff-approval-withdraw", args=[campaign.public_id, batch.pk])
    staff_login(client, worker)
    assert (
        url
        in client.get(reverse("campaigns:staff-detail", args=[campaign.public_id])).content.decode()
    )
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert response.status_code == 200 and "取り下げ済み" in response.content.decode()
    confirm = reverse("campaigns:staff-approval-confirm", args=[campaign.public_id, batch.pk])
    staff_login(client, admin_user)
    response = client.post(confirm, follow=True)
    assert response.status_code == 200 and "取り下げられました" in response.content.decode()
    batch.refresh_from_db()
    assert batch.confirmed_at is None


@pytest.mark.django_db(transaction=True)
def test_two_staff_at_once_cancel_and_send_give_one_outcome(chiyoda, admin_user, worker):
    """Two staff cancel and two mark the file as sent at the same moment: exactly one of the
    two happens, once; the payments follow it."""
    campaign = approved_campaign(admin_user, worker)
    payment_file = make_file(campaign, worker)

    def cancel(user):
        stale = PaymentFile.objects.get(pk=payment_file.pk)  # each one's page, read before

        def action():
            try:
                services.payment_file_cancel(payment_file=stale, user=user, not_sent_confirmed=True)
            except services.CampaignError:
                return "refused"
            return "cancelled"

        return action

    def send(user):
        stale = PaymentFile.objects.get(pk=payment_file.pk)

        def action():
            try:
                services.payment_file_mark_sent(payment_file=stale, user=user)
            except services.CampaignError:
                return "refused"
            return "sent"

        return action

    results, errors = at_once([cancel(worker), cancel(admin_user), send(worker), send(admin_user)])
    assert errors == []
    assert results in (
        ["cancelled", "refused", "refused", "refused"],
        ["refused", "refused", "refused", "sent"],
    )
    payment_file.refresh_from_db()
    payments = set(
        Payment.objects.filter(payment_file=payment_file).values_list("state", flat=True)
    )
    if "cancelled" in results:
        assert payment_file.sent_at is None and payment_file.cancelled_at is not None
        assert payments == {PaymentState.VOIDED}
        assert EntitlementState.PAID not in states(campaign)
    else:
        assert payment_file.sent_at is not None and payment_file.cancelled_at is None
        assert payments == {PaymentState.PAID}
    assert (
        AuditEvent.objects.filter(
            action__in=["campaign.payment_file_cancelled", "campaign.payment_file_sent"],
            object_id=str(payment_file.public_id),
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_staff_at_once_approve_and_withdraw_give_one_outcome(chiyoda, admin_user, worker):
    campaign = confirmed_campaign(admin_user)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None

    def approve():
        try:
            services.approval_confirm(batch=ApprovalBatch.objects.get(pk=batch.pk), user=admin_user)
        except services.CampaignError:
            return "refused"
        return "approved"

    def withdraw():
        try:
            services.approval_withdraw(batch=ApprovalBatch.objects.get(pk=batch.pk), user=worker)
        except services.CampaignError:
            return "refused"
        return "withdrawn"

    results, errors = at_once([approve, withdraw, approve, withdraw])
    assert errors == []
    assert results in (
        ["approved", "refused", "refused", "refused"],
        ["refused", "refused", "refused", "withdrawn"],
    )
    batch.refresh_from_db()
    approved = Entitlement.objects.filter(campaign=campaign, state=EntitlementState.APPROVED)
    if "approved" in results:
        assert batch.withdrawn_at is None and approved.count() == 2
    else:
        assert batch.confirmed_at is None and not approved.exists()
        assert not Entitlement.objects.filter(batch=batch).exists()


@pytest.mark.django_db
def test_the_cancelled_files_records_parse_back_in_the_new_file(chiyoda, admin_user, worker):
    campaign = approved_campaign(admin_user, worker)
    first = make_file(campaign, worker)
    services.payment_file_cancel(payment_file=first, user=worker, not_sent_confirmed=False)
    second = make_file(campaign, worker)
    out = io.BytesIO()
    services.payment_file_write(payment_file=second, out=out)
    items = list(
        zengin.parse_transfer_file(io.BytesIO(out.getvalue()), year=second.transfer_date.year)
    )
    records = [r for r in items if isinstance(r, zengin.TransferRecord)]
    codes = {
        f"{pk:010d}"
        for pk in Entitlement.objects.filter(campaign=campaign)
        .exclude(state="notified")
        .values_list("pk", flat=True)
    }
    assert {r.customer_code for r in records} == codes
    assert sum(r.amount for r in records) == second.amount == first.amount


@pytest.mark.django_db
def test_a_bank_result_marks_its_file_sent(chiyoda, admin_user, worker):
    """A 振込不能 result proves the file reached the bank: it can no longer be cancelled (its
    other payments were made)."""
    from .test_staff import _unpaid_file

    campaign = approved_campaign(admin_user, worker)
    payment_file = make_file(campaign, worker)
    out = io.BytesIO()
    services.payment_file_write(payment_file=payment_file, out=out)
    first = Payment.objects.filter(payment_file=payment_file).first()
    assert first is not None
    unpaid = _unpaid_file(out.getvalue(), {first.entitlement.customer_code})
    services.unpaid_import(
        campaign=campaign, municipality_code=CHIYODA, fp=io.BytesIO(unpaid), user=worker
    )
    payment_file.refresh_from_db()
    assert payment_file.sent_at is not None and payment_file.sent_by == worker
    with pytest.raises(services.NotAllowed):
        services.payment_file_cancel(
            payment_file=payment_file, user=worker, not_sent_confirmed=True
        )
