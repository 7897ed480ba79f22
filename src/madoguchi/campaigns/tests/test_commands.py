"""Management commands with their progress bar, and a national campaign run in every
municipality with each municipality seeing only its own figures."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from madoguchi.campaigns import selectors, services
from madoguchi.campaigns.models import Entitlement
from madoguchi.campaigns.testing import campaign_for
from madoguchi.campaigns.types import Method
from madoguchi.core import zengin
from madoguchi.signatures.services import DEMO_SIGN_PIN
from madoguchi.signatures.testing import demo_resident

from .conftest import CHIYODA, YOKOHAMA, household, person
from .test_confirmation import ACCOUNT, entitlement_of
from .test_staff import PAYER

pytestmark = pytest.mark.django_db


def test_compute_push_and_payment_file_commands(chiyoda, admin_user, worker, tmp_path):
    campaign = campaign_for(CHIYODA, user=admin_user)
    out = io.StringIO()
    call_command("campaign_compute", str(campaign.public_id), stdout=out)
    text = out.getvalue()
    assert "households [" in text and "6/6" in text and "eligible households: 6" in text
    out = io.StringIO()
    call_command("campaign_push", str(campaign.public_id), stdout=out)
    assert "notices created: 6 (of 6 households)" in out.getvalue()
    out = io.StringIO()
    call_command("campaign_push", str(campaign.public_id), stdout=out)
    assert "notices created: 0 (of 6 households)" in out.getvalue()
    services.entitlement_confirm(
        entitlement=entitlement_of(campaign, "sato-jiro"),
        resident=demo_resident("sato-jiro"),
        account=ACCOUNT,
        method=Method.FORM,
        pin=DEMO_SIGN_PIN,
    )
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
    path = tmp_path / "sogo.txt"
    out = io.StringIO()
    call_command("campaign_payment_file", str(payment_file.public_id), str(path), stdout=out)
    assert "written: 1 records, 30000 yen" in out.getvalue()
    with path.open("rb") as fp:
        records = [
            i
            for i in zengin.parse_transfer_file(fp, year=2026)
            if isinstance(i, zengin.TransferRecord)
        ]
    assert [r.amount for r in records] == [30000]


def test_a_national_campaign_runs_everywhere_and_each_sees_its_own(chiyoda):
    national = get_user_model().objects.get(username="national-admin")
    yokohama_home = household("Y-1", municipality=YOKOHAMA)
    person(yokohama_home, birth=datetime.date(1970, 1, 1), head=True)
    campaign = campaign_for(None, user=national)
    assert campaign.municipality_id is None
    services.eligibility_compute(campaign=campaign)
    assert set(
        Entitlement.objects.filter(campaign=campaign).values_list("municipality_code", flat=True)
    ) == {CHIYODA, YOKOHAMA}
    assert selectors.counts(campaign=campaign, municipality_codes=[CHIYODA]).eligible == 6
    assert selectors.counts(campaign=campaign, municipality_codes=[YOKOHAMA]).eligible == 1
    # Both municipalities' staff find it; the national administrator too.
    assert selectors.campaign_get(public_id=campaign.public_id, municipality_codes=[YOKOHAMA])
    assert selectors.campaign_get(
        public_id=campaign.public_id, municipality_codes=[], national=True
    )
