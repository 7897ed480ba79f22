"""Staff turn "one application per resident / household" on and off through one service."""

from __future__ import annotations

import pytest

from madoguchi.accounts.models import User
from madoguchi.audit.models import AuditEvent
from madoguchi.catalog.models import Offering
from madoguchi.catalog.selectors import application_limit_cache, offering_application_limit
from madoguchi.catalog.services import OfferingError, offering_limit_set

pytestmark = pytest.mark.django_db
CHIYODA = "131016"


@pytest.fixture(autouse=True)
def _no_limits_from_other_tests():
    # A test's rollback fires no post_save: a limit cached by an earlier test could linger.
    application_limit_cache.clear()


def test_limit_change_is_audited_and_seen_at_once(demo, catalog):
    editor = User.objects.get(username="chiyoda-editor")
    # Read once, so the per-process cache holds the old value.
    assert (
        offering_application_limit(municipality_code=CHIYODA, procedure_code="disaster-certificate")
        == ""
    )
    offering = offering_limit_set(
        municipality_code=CHIYODA,
        procedure_code="disaster-certificate",
        limit="household",
        actor=editor,
    )
    assert offering.application_limit == "household"
    assert (
        offering_application_limit(municipality_code=CHIYODA, procedure_code="disaster-certificate")
        == "household"
    )
    event = AuditEvent.objects.get(action="offering.limit_changed")
    assert event.municipality_code == CHIYODA
    assert event.actor_label == "chiyoda-editor"
    assert event.data == {"procedure_code": "disaster-certificate", "from": "", "to": "household"}

    offering_limit_set(
        municipality_code=CHIYODA, procedure_code="disaster-certificate", limit="", actor=editor
    )
    assert (
        offering_application_limit(municipality_code=CHIYODA, procedure_code="disaster-certificate")
        == ""
    )
    assert [e.data["to"] for e in AuditEvent.objects.filter(action="offering.limit_changed")] == [
        "household",
        "",
    ]


def test_setting_the_same_limit_again_records_nothing(demo, catalog):
    for _ in range(2):
        offering_limit_set(
            municipality_code=CHIYODA,
            procedure_code="disaster-certificate",
            limit="resident",
            actor=None,
        )
    assert AuditEvent.objects.filter(action="offering.limit_changed").count() == 1


def test_an_offering_is_created_for_a_listed_procedure(demo, catalog):
    assert not Offering.objects.filter(municipality_id="141003").exists()
    offering = offering_limit_set(
        municipality_code="141003",
        procedure_code="disaster-certificate",
        limit="resident",
        actor=None,
    )
    assert offering.pk and not offering.online
    assert offering.application_limit == "resident"


@pytest.mark.parametrize(
    ("municipality_code", "procedure_code", "limit", "fragment"),
    [
        (CHIYODA, "disaster-certificate", "family", "受付条件を1つ選んでください"),
        (CHIYODA, "no-such-procedure", "resident", "手続コード「no-such-procedure」"),
        ("999997", "disaster-certificate", "resident", "団体コード「999997」"),
    ],
)
def test_bad_requests_are_refused_in_japanese(
    demo, catalog, municipality_code, procedure_code, limit, fragment
):
    with pytest.raises(OfferingError) as refused:
        offering_limit_set(
            municipality_code=municipality_code,
            procedure_code=procedure_code,
            limit=limit,
            actor=None,
        )
    assert fragment in str(refused.value)
    assert not AuditEvent.objects.filter(action="offering.limit_changed").exists()
    assert not Offering.objects.filter(application_limit=limit).exists()


def test_the_public_procedure_page_shows_the_limit(client, catalog):
    url = "/procedures/disaster-certificate/"
    assert "1回まで" not in client.get(url, {"postal_code": "1000013"}).content.decode()
    offering_limit_set(
        municipality_code=CHIYODA,
        procedure_code="disaster-certificate",
        limit="household",
        actor=None,
    )
    html = client.get(url, {"postal_code": "1000013"}).content.decode()
    assert "この手続は1世帯1回まで申請できます" in html
