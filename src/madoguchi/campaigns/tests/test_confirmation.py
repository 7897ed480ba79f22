"""The resident's confirmation: signed, once per household (also from two devices at once),
refused at once with the reason when not eligible, nothing stored then."""

import pytest

from madoguchi.campaigns import services
from madoguchi.campaigns.models import Entitlement
from madoguchi.campaigns.testing import campaign_for
from madoguchi.campaigns.types import Applicant, EntitlementState, Method
from madoguchi.signatures import signers
from madoguchi.signatures.models import SignatureEvidence
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

from .conftest import CHIYODA, at_once

ACCOUNT = services.Account(
    bank_code="0001",
    bank_name="みずほ",
    branch_code="001",
    branch_name="東京営業部",
    account_type=1,
    number="1234567",
    holder_kana="ﾖｼﾀﾞ ﾀﾛｳ",
)


def pushed(admin_user, **rule):
    campaign = campaign_for(CHIYODA, user=admin_user, **rule)
    services.eligibility_compute(campaign=campaign)
    services.campaign_push(campaign=campaign)
    return campaign


def entitlement_of(campaign, key):
    return Entitlement.objects.select_related("campaign").get(
        campaign=campaign, household_id=demo_resident(key).household_id
    )


@pytest.mark.django_db
def test_confirm_signs_and_stores_the_account(chiyoda, admin_user):
    campaign = pushed(admin_user)
    taro = demo_resident("yoshida-taro")
    entitlement = entitlement_of(campaign, "yoshida-taro")
    done = services.entitlement_confirm(
        entitlement=entitlement,
        resident=taro,
        account=ACCOUNT,
        method=Method.PUBLIC_FUNDS,
        pin=DEMO_SIGN_PIN,
    )
    assert done.state == EntitlementState.CONFIRMED
    assert done.account["number"] == "1234567"
    assert done.evidence_id is not None
    evidence = SignatureEvidence.objects.get(public_id=done.evidence_id)
    assert evidence.outcome == "valid" and evidence.resident == taro
    with pytest.raises(services.AlreadyConfirmed):
        services.entitlement_confirm(
            entitlement=entitlement,
            resident=taro,
            account=ACCOUNT,
            method=Method.FORM,
            pin=DEMO_SIGN_PIN,
        )


@pytest.mark.django_db
def test_wrong_pin_stores_nothing(chiyoda, admin_user):
    campaign = pushed(admin_user)
    entitlement = entitlement_of(campaign, "yoshida-taro")
    before = SignatureEvidence.objects.count()
    with pytest.raises(signers.PinIncorrect):
        services.entitlement_confirm(
            entitlement=entitlement,
            resident=demo_resident("yoshida-taro"),
            account=ACCOUNT,
            method=Method.PUBLIC_FUNDS,
            pin="WRONG1",
        )
    entitlement.refresh_from_db()
    assert entitlement.state == EntitlementState.NOTIFIED
    assert SignatureEvidence.objects.count() == before


@pytest.mark.django_db
def test_only_the_householder_unless_any_adult(chiyoda, admin_user):
    campaign = pushed(admin_user)
    hanako = demo_resident("yoshida-hanako")
    entitlement = entitlement_of(campaign, "yoshida-taro")
    with pytest.raises(services.NotAllowed) as refused:
        services.entitlement_confirm(
            entitlement=entitlement,
            resident=hanako,
            account=ACCOUNT,
            method=Method.FORM,
            pin=DEMO_SIGN_PIN,
        )
    assert "世帯主" in refused.value.message
    other = pushed(admin_user, name="子育て応援給付金", applicant=Applicant.ANY_ADULT)
    done = services.entitlement_confirm(
        entitlement=entitlement_of(other, "yoshida-taro"),
        resident=hanako,
        account=ACCOUNT,
        method=Method.FORM,
        pin=DEMO_SIGN_PIN,
    )
    assert done.confirmed_by == hanako


def _race(campaign, residents):
    entitlement_id = entitlement_of(campaign, "yoshida-taro").pk

    def device(resident):
        # Read before the start, as each device's page did: all see it open.
        entitlement = Entitlement.objects.select_related("campaign").get(pk=entitlement_id)

        def action():
            try:
                services.entitlement_confirm(
                    entitlement=entitlement,
                    resident=resident,
                    account=ACCOUNT,
                    method=Method.PUBLIC_FUNDS,
                    pin=DEMO_SIGN_PIN,
                )
            except services.AlreadyConfirmed:
                return "already"
            return "confirmed"

        return action

    return at_once([device(r) for r in residents])


@pytest.mark.django_db(transaction=True)
def test_two_devices_at_once_give_one_confirmation(chiyoda, admin_user):
    """The household's two adults (any-adult rule) and a second phone of the head confirm at
    the same moment: one confirmation, the others are told it is done."""
    campaign = pushed(admin_user, applicant=Applicant.ANY_ADULT)
    taro, hanako = demo_resident("yoshida-taro"), demo_resident("yoshida-hanako")
    before = SignatureEvidence.objects.count()
    results, errors = _race(campaign, [taro, hanako, taro, hanako])
    assert errors == []
    assert sorted(results) == ["already", "already", "already", "confirmed"]
    entitlement = entitlement_of(campaign, "yoshida-taro")
    assert entitlement.state == EntitlementState.CONFIRMED
    assert (
        Entitlement.objects.filter(campaign=campaign, household_id=taro.household_id).count() == 1
    )
    # Only the winner's signature was kept: the losers' transactions were rolled back.
    assert SignatureEvidence.objects.count() == before + 1
    assert SignatureEvidence.objects.filter(public_id=entitlement.evidence_id).exists()
