"""Flagged households (registry changes since the 基準日): staff see them one by one and decide
支給する (then approval as usual) or 支給しない (a required reason, the household is told);
reversible until the entitlement is in an approved batch; audited."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from madoguchi.audit.models import AuditEvent
from madoguchi.campaigns import services
from madoguchi.campaigns.models import Entitlement
from madoguchi.campaigns.testing import campaign_for
from madoguchi.campaigns.types import Decision, EntitlementState, Flag
from madoguchi.linkage.services import residency_set
from madoguchi.notices import selectors as notice_selectors
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.testing import demo_resident

from .conftest import CHIYODA
from .test_confirmation import entitlement_of
from .test_staff import confirmed_campaign

pytestmark = pytest.mark.django_db
MOVED = datetime.date(2026, 2, 1)


def flagged_campaign(admin_user):
    """佐藤 次郎's household moved out after the 基準日; he and 𠮷田 太郎 confirmed."""
    campaign = confirmed_campaign(admin_user)
    residency_set(resident_id=demo_resident("sato-jiro").pk, moved_out_on=MOVED)
    assert services.flags_refresh(campaign=campaign) == 1
    return campaign


def flags_url(campaign):
    return reverse("campaigns:staff-flags", args=[campaign.public_id])


def decide_url(campaign, entitlement):
    return reverse("campaigns:staff-flag-decide", args=[campaign.public_id, entitlement.pk])


def test_the_flag_knows_since_when(chiyoda, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user)
    residency_set(resident_id=demo_resident("sato-jiro").pk, moved_out_on=MOVED)
    services.eligibility_compute(campaign=campaign)
    sato = entitlement_of(campaign, "sato-jiro")
    assert (sato.flag, sato.flag_since) == (Flag.MOVED_OUT, MOVED)
    # A death later outweighs the move, with its own date.
    died = datetime.date(2026, 3, 1)
    residency_set(resident_id=demo_resident("sato-jiro").pk, deceased_on=died)
    services.flags_refresh(campaign=campaign)
    sato.refresh_from_db()
    assert (sato.flag, sato.flag_since) == (Flag.DECEASED, died)


def test_flagged_stays_out_of_approval_until_decided_pay(chiyoda, admin_user, worker):
    campaign = flagged_campaign(admin_user)
    sato = entitlement_of(campaign, "sato-jiro")
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None and batch.count == 1
    sato.refresh_from_db()
    assert sato.batch_id is None
    services.flag_decide(entitlement=sato, decision=Decision.PAY, reason="", user=worker)
    second = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert second is not None and second.count == 1
    assert services.approval_confirm(batch=second, user=admin_user) == 1
    sato.refresh_from_db()
    assert sato.state == EntitlementState.APPROVED
    # Approved: the decision can no longer change.
    with pytest.raises(services.NotAllowed):
        services.flag_decide(
            entitlement=sato, decision=Decision.REFUSE, reason="転出のため", user=worker
        )
    assert AuditEvent.objects.filter(
        action="campaign.flag_decided", object_id=str(sato.pk)
    ).exists()


def test_refusal_needs_a_reason_also_in_the_database(chiyoda, admin_user, worker):
    campaign = flagged_campaign(admin_user)
    sato = entitlement_of(campaign, "sato-jiro")
    with pytest.raises(services.CampaignError) as caught:
        services.flag_decide(entitlement=sato, decision=Decision.REFUSE, reason="  ", user=worker)
    assert caught.value.field == "reason"
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.filter(pk=sato.pk).update(decision=Decision.REFUSE, decision_reason="")


def test_refusal_tells_the_household_and_takes_it_out_of_a_pending_batch(
    chiyoda, admin_user, worker
):
    campaign = flagged_campaign(admin_user)
    sato = entitlement_of(campaign, "sato-jiro")
    services.flag_decide(entitlement=sato, decision=Decision.PAY, reason="", user=worker)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None and batch.count == 2
    services.flag_decide(
        entitlement=sato, decision=Decision.REFUSE, reason="基準日後に転出", user=worker
    )
    sato.refresh_from_db()
    batch.refresh_from_db()
    assert sato.batch_id is None and (batch.count, batch.amount) == (1, 70000)
    inbox = list(notice_selectors.inbox(demo_resident("sato-jiro").pk))
    refused = [n for n in inbox if n.template == "campaigns.refused"]
    assert len(refused) == 1 and "基準日後に転出" in refused[0].body
    # The resident is told why, and cannot be paid by confirming again.
    assert "基準日後に転出" in services.may_confirm(
        entitlement=sato, resident=demo_resident("sato-jiro")
    )
    # Reversible before approval: 支給する again, and it goes into the next batch.
    services.flag_decide(entitlement=sato, decision=Decision.PAY, reason="", user=admin_user)
    sato.refresh_from_db()
    assert sato.decision_reason == ""
    # … and the household, told 支給しない, is told that no longer stands.
    inbox = list(notice_selectors.inbox(demo_resident("sato-jiro").pk))
    assert [n.template for n in inbox].count("campaigns.refused") == 1
    reinstated = [n for n in inbox if n.template == "campaigns.reinstated"]
    assert len(reinstated) == 1 and "30,000" in reinstated[0].body
    assert "基準日後に転出" not in reinstated[0].body
    assert services.approval_confirm(batch=batch, user=admin_user) == 1
    again = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert again is not None and again.count == 1


def test_a_decision_stays_reachable_when_the_flag_clears(chiyoda, admin_user, worker):
    campaign = flagged_campaign(admin_user)
    sato = entitlement_of(campaign, "sato-jiro")
    services.flag_decide(entitlement=sato, decision=Decision.REFUSE, reason="転出", user=worker)
    residency_set(resident_id=demo_resident("sato-jiro").pk, moved_out_on=None)
    assert services.flags_refresh(campaign=campaign) == 0
    from madoguchi.campaigns import selectors

    listed = selectors.flagged(campaign=campaign, municipality_codes=[CHIYODA])
    assert list(listed.values_list("pk", "flag", "decision")) == [
        (sato.pk, Flag.NONE, Decision.REFUSE)
    ]
    # Still refused (out of approval) until staff change it; then it is paid as usual.
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None and batch.count == 1
    services.flag_decide(entitlement=sato, decision=Decision.PAY, reason="", user=worker)
    again = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert again is not None and again.count == 1


def test_decisions_only_after_the_push(chiyoda, admin_user, worker):
    campaign = campaign_for(CHIYODA, user=admin_user)
    residency_set(resident_id=demo_resident("sato-jiro").pk, moved_out_on=MOVED)
    services.eligibility_compute(campaign=campaign)
    with pytest.raises(services.NotAllowed):
        services.flag_decide(
            entitlement=entitlement_of(campaign, "sato-jiro"),
            decision=Decision.PAY,
            reason="",
            user=worker,
        )


def test_flags_page_shows_decides_and_errors_at_the_field(client, admin_user, worker):
    campaign = flagged_campaign(admin_user)
    sato = entitlement_of(campaign, "sato-jiro")
    staff_login(client, worker)
    response = client.get(flags_url(campaign))
    body = response.content.decode()
    assert response.status_code == 200
    assert demo_resident("sato-jiro").family_name in body and "2026-02-01" in body
    assert demo_resident("yoshida-taro").given_name not in body
    assert AuditEvent.objects.filter(
        action="campaign.flags_viewed", municipality_code=CHIYODA, actor_id=worker.pk
    ).exists()
    prefix = f"e{sato.pk}"
    response = client.post(decide_url(campaign, sato), {f"{prefix}-decision": "refuse"})
    assert response.status_code == 400
    assert "支給しない理由を入力してください。" in response.content.decode()
    sato.refresh_from_db()
    assert sato.decision == Decision.NONE
    response = client.post(decide_url(campaign, sato), {})
    assert response.status_code == 400
    assert "支給するか支給しないかを選んでください。" in response.content.decode()
    response = client.post(
        decide_url(campaign, sato),
        {f"{prefix}-decision": "refuse", f"{prefix}-reason": "転出のため"},
    )
    assert response.status_code == 302 and response["Location"] == flags_url(campaign)
    sato.refresh_from_db()
    assert (sato.decision, sato.decision_reason, sato.decided_by) == (
        Decision.REFUSE,
        "転出のため",
        worker,
    )
    # Once approved, a stale form gets a message, not an error page.
    services.flag_decide(entitlement=sato, decision=Decision.PAY, reason="", user=worker)
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    services.approval_confirm(batch=batch, user=admin_user)
    response = client.post(
        decide_url(campaign, sato),
        {f"{prefix}-decision": "refuse", f"{prefix}-reason": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert "この世帯は承認済みです。判断は変更できません。" in response.content.decode()
    # An unflagged household has no decision route.
    taro = entitlement_of(campaign, "yoshida-taro")
    response = client.post(decide_url(campaign, taro), {f"e{taro.pk}-decision": "pay"})
    assert response.status_code == 404


def test_a_viewer_may_not_decide(client, admin_user, django_user_model):
    from madoguchi.accounts.models import Membership

    campaign = flagged_campaign(admin_user)
    viewer = django_user_model.objects.create_user(username="chiyoda-viewer-flags")
    Membership.objects.create(user=viewer, municipality_id=CHIYODA, role="viewer")
    staff_login(client, viewer)
    assert client.get(flags_url(campaign)).status_code == 403
