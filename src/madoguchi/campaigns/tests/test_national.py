"""A national campaign worked on per municipality: every staff page names the municipality the
staff member works for (「作業する市区町村」), shows and changes only its households, and answers
404 for another municipality's objects."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from madoguchi.accounts.models import Membership
from madoguchi.campaigns import services
from madoguchi.campaigns.models import Entitlement
from madoguchi.campaigns.testing import campaign_for
from madoguchi.reception.testing import staff_login

from .conftest import CHIYODA, YOKOHAMA, household, person
from .test_confirmation import ACCOUNT, entitlement_of
from .test_staff import PAYER

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_run(chiyoda, worker):
    """A national campaign pushed in 千代田区 and 横浜市; 千代田区's 𠮷田 太郎 confirmed, in a batch
    and (after approval) in a transfer file; one 横浜市 household flagged."""
    from madoguchi.signatures.services import DEMO_SIGN_PIN
    from madoguchi.signatures.testing import demo_resident

    User = get_user_model()
    home = household("Y-1", municipality=YOKOHAMA)
    person(home, birth=datetime.date(1970, 1, 1), head=True)
    campaign = campaign_for(None, user=User.objects.get(username="national-admin"))
    services.eligibility_compute(campaign=campaign)
    services.campaign_push(campaign=campaign)
    services.entitlement_confirm(
        entitlement=entitlement_of(campaign, "yoshida-taro"),
        resident=demo_resident("yoshida-taro"),
        account=ACCOUNT,
        method="public_funds",
        pin=DEMO_SIGN_PIN,
    )
    batch = services.approval_request(campaign=campaign, municipality_code=CHIYODA, user=worker)
    assert batch is not None
    Entitlement.objects.filter(campaign=campaign, municipality_code=YOKOHAMA).update(
        flag="deceased", flag_since=datetime.date(2026, 3, 1)
    )
    both = User.objects.create_user(username="both-worker")
    for code in (CHIYODA, YOKOHAMA):
        Membership.objects.create(user=both, municipality_id=code, role="case_worker")
    return campaign, batch, both


def test_the_page_names_the_municipality_worked_for(client, national_run, worker):
    campaign, batch, both = national_run
    detail = reverse("campaigns:staff-detail", args=[campaign.public_id])
    staff_login(client, worker)
    body = client.get(detail).content.decode()
    assert "作業する市区町村" in body and f"（{CHIYODA}）" in body
    assert 'name="municipality" value="131016"' in body  # kept by every form of the page
    assert 'id="working-municipality"' not in body  # one municipality only: no choice
    # Two municipalities: a choice, and the page shows the chosen one's households only.
    staff_login(client, both)
    body = client.get(detail).content.decode()
    assert 'id="working-municipality"' in body
    body = client.get(f"{detail}?municipality={YOKOHAMA}").content.decode()
    assert f'value="{YOKOHAMA}" selected' in body
    assert f"approvals/{batch.pk}/confirm/" not in body  # 千代田区's batch is not on 横浜市's page
    flags = reverse("campaigns:staff-flags", args=[campaign.public_id])
    body = client.get(f"{flags}?municipality={YOKOHAMA}").content.decode()
    assert "Y-1" in body and "2026-03-01" in body
    body = client.get(f"{flags}?municipality={CHIYODA}").content.decode()
    assert "Y-1" not in body


def test_objects_of_another_municipality_are_404(client, national_run):
    campaign, batch, both = national_run
    Membership.objects.filter(user=both, municipality_id=CHIYODA).delete()
    staff_login(client, both)  # 横浜市 only now
    base = f"/staff/campaigns/{campaign.public_id}/"
    yokohama = Entitlement.objects.get(campaign=campaign, municipality_code=YOKOHAMA)
    assert client.post(f"{base}approvals/{batch.pk}/withdraw/").status_code == 404
    assert client.post(f"{base}approvals/{batch.pk}/confirm/").status_code == 404
    # Asking for 千代田区 explicitly changes nothing: the user works for 横浜市 only.
    response = client.post(f"{base}approvals/{batch.pk}/withdraw/", {"municipality": CHIYODA})
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.withdrawn_at is None
    # Its own flagged household: the decision works, back on its own municipality's page.
    response = client.post(
        f"{base}flags/{yokohama.pk}/",
        {f"e{yokohama.pk}-decision": "refuse", f"e{yokohama.pk}-reason": "死亡のため"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?municipality={YOKOHAMA}")


def test_the_file_of_the_municipality_worked_for(client, national_run, admin_user, worker):
    campaign, batch, both = national_run
    services.approval_confirm(batch=batch, user=admin_user)
    staff_login(client, both)
    base = f"/staff/campaigns/{campaign.public_id}/"
    response = client.post(
        f"{base}payment-files/",
        {"transfer_date": "2026-12-24", "municipality": CHIYODA, **PAYER},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{base}?municipality={CHIYODA}")
    payment_file = campaign.payment_files.get()
    assert payment_file.municipality_code == CHIYODA
    # A form shown again with an error names and keeps the municipality worked for.
    response = client.post(
        f"{base}payment-files/", {**PAYER, "transfer_date": "", "municipality": YOKOHAMA}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "作業する市区町村" in body
    assert f'name="municipality" value="{YOKOHAMA}"' in body
    body = client.get(f"{base}?municipality={YOKOHAMA}").content.decode()
    assert str(payment_file.public_id) not in body
    body = client.get(f"{base}?municipality={CHIYODA}").content.decode()
    assert f"{payment_file.public_id}/sent/" in body
