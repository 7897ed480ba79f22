"""Eligibility over the registry at the 基準日 (streaming), the registry's edge cases, flags,
recomputation and the freeze after the push."""

import datetime

import pytest

from madoguchi.campaigns import selectors, services
from madoguchi.campaigns.models import Entitlement
from madoguchi.campaigns.testing import BASE_DATE, campaign_for
from madoguchi.campaigns.types import CampaignState, Flag
from madoguchi.linkage.services import residency_set
from madoguchi.signatures.testing import demo_resident

from .conftest import CHIYODA, household, person

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def entitled(campaign):
    return {
        e.household.code: e
        for e in Entitlement.objects.filter(campaign=campaign).select_related("household")
    }


def test_demo_households_with_child_amounts(chiyoda, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user)
    assert services.eligibility_compute(campaign=campaign) == 6
    rows = entitled(campaign)
    # 𠮷田: 30,000 per household + two children under 18 × 20,000.
    assert rows["H0001"].amount == 70000 and rows["H0001"].children == 2
    assert rows["H0001"].applicant == demo_resident("yoshida-taro")
    assert rows["H0002"].amount == 30000
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.COMPUTED


def test_tax_exempt_households_from_the_tax_holder(chiyoda, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user, tax_exempt=True, amount_per_child=0)
    services.eligibility_compute(campaign=campaign)
    # Only 佐藤 次郎 (taxable "no", alone) is 住民税非課税; 髙橋 has one taxed member.
    assert set(entitled(campaign)) == {"H0005"}


def test_registry_edges_at_the_base_date(chiyoda, admin_user):
    born = household("E-BORN")
    head = person(born, birth=datetime.date(1990, 1, 1), head=True)
    person(born, birth=BASE_DATE)  # born on the base date: a child of the household
    late = household("E-LATE")
    residency_set(
        resident_id=person(late, birth=datetime.date(1990, 1, 1), head=True).pk,
        moved_in_on=BASE_DATE + DAY,
    )
    gone = household("E-GONE")
    leaver = person(gone, birth=datetime.date(1990, 1, 1), head=True)
    residency_set(resident_id=leaver.pk, moved_out_on=BASE_DATE + DAY)
    dead = household("E-DEAD")
    residency_set(
        resident_id=person(dead, birth=datetime.date(1930, 1, 1), head=True).pk,
        deceased_on=BASE_DATE - DAY,
    )
    widow = household("E-WIDOW")
    husband = person(widow, birth=datetime.date(1940, 1, 1), head=True)
    person(widow, birth=datetime.date(1942, 1, 1))
    residency_set(resident_id=husband.pk, deceased_on=BASE_DATE + 10 * DAY)

    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    rows = entitled(campaign)
    assert rows["E-BORN"].children == 1 and rows["E-BORN"].amount == 50000
    assert rows["E-BORN"].applicant == head
    assert "E-LATE" not in rows  # moved in the day after
    assert rows["E-GONE"].flag == Flag.MOVED_OUT  # moved out the day after: eligible, flagged
    assert "E-DEAD" not in rows  # died before
    assert rows["E-WIDOW"].flag == Flag.DECEASED  # died after: eligible, flagged
    assert selectors.counts(campaign=campaign, municipality_codes=[CHIYODA]).flagged == 2


def test_small_batches_give_the_same_rows(chiyoda, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign, batch_size=1000)
    big = sorted(
        Entitlement.objects.filter(campaign=campaign).values_list("household_id", "amount")
    )
    seen: list[int] = []
    services.eligibility_compute(campaign=campaign, batch_size=2, progress=seen.append)
    small = sorted(
        Entitlement.objects.filter(campaign=campaign).values_list("household_id", "amount")
    )
    assert small == big  # recomputing replaces the rows
    assert seen[-1] == 6 and seen == sorted(seen)


def test_flags_refresh_sees_a_move_after_the_computation(chiyoda, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    residency_set(resident_id=demo_resident("sato-jiro").pk, moved_out_on=datetime.date(2026, 2, 1))
    assert services.flags_refresh(campaign=campaign) == 1
    assert entitled(campaign)["H0005"].flag == Flag.MOVED_OUT


def test_pushed_campaign_is_frozen(chiyoda, admin_user):
    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    services.campaign_push(campaign=campaign)
    with pytest.raises(services.Frozen):
        services.eligibility_compute(campaign=campaign)
    with pytest.raises(services.Frozen):
        services.campaign_save(
            user=admin_user, data={}, municipality_code=CHIYODA, campaign=campaign
        )
    assert Entitlement.objects.filter(campaign=campaign).count() == 6


def test_a_change_before_the_push_raises_the_version_and_drops_the_list(chiyoda, admin_user):
    from madoguchi.campaigns.testing import campaign_data

    campaign = campaign_for(CHIYODA, user=admin_user)
    services.eligibility_compute(campaign=campaign)
    changed = services.campaign_save(
        user=admin_user,
        data=campaign_data(amount_per_child=50000),
        municipality_code=CHIYODA,
        campaign=campaign,
    )
    assert changed.version == 2 and changed.state == CampaignState.DRAFT
    assert not Entitlement.objects.filter(campaign=campaign).exists()
