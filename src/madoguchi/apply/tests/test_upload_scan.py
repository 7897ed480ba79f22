"""The resident's side of the quarantine: an infected upload is refused at its field, a pending
one is kept and shown as being checked (docs/scanning.md)."""

from __future__ import annotations

import pytest

from madoguchi.applications.models import Application
from madoguchi.applications.types import ScanStatus
from madoguchi.apply.tests.conftest import sign_in
from madoguchi.apply.tests.journey import JPEG, fill_all, page_url, photo
from madoguchi.audit.models import AuditEvent
from madoguchi.core.scanning import EICAR

pytestmark = pytest.mark.django_db

INFECTED_JPEG = JPEG + EICAR


@pytest.fixture
def draft(client, disaster_form, taro) -> Application:
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    return Application.objects.get()


def test_clamd_refuses_the_eicar_file_at_its_field_and_keeps_the_good_one(clamd, client, draft):
    url = page_url(draft, "attachments")
    good = client.post(url, {"attachments.photos": photo(), "_action": "next"})
    assert good.status_code == 302
    draft.refresh_from_db()
    kept = draft.raw_answers["attachments.photos"]

    refused = client.post(url, {"attachments.photos": photo("virus.jpg", INFECTED_JPEG)})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "「virus.jpg」からウイルスが見つかったため" in html
    assert "Madoguchi.Test.EICAR" in html
    assert 'href="#f-attachments-photos"' in html  # the error summary links to the field
    draft.refresh_from_db()
    assert draft.raw_answers["attachments.photos"] == kept  # the good file stays
    assert draft.attachments.get().scan_status == ScanStatus.CLEAN
    assert AuditEvent.objects.filter(action="attachment.infected").count() == 1


def test_clamd_down_keeps_the_file_pending_and_the_check_page_says_so(clamd, client, draft):
    clamd.stop()
    fill_all(client, draft)
    assert draft.attachments.get().scan_status == ScanStatus.PENDING
    check = client.get(f"/apply/{draft.public_id}/check/").content.decode()
    assert "ウイルス検査中です" in check


def test_without_a_daemon_the_development_scanner_refuses_eicar(client, draft):
    response = client.post(
        page_url(draft, "attachments"), {"attachments.photos": photo("e.jpg", INFECTED_JPEG)}
    )
    assert "Eicar-Test-Signature" in response.content.decode()
    assert not draft.attachments.exists()


def test_a_file_found_infected_later_blocks_signing_and_the_check_page_says_which(client, draft):
    from madoguchi.signatures.services import DEMO_SIGN_PIN

    fill_all(client, draft)
    draft.attachments.update(scan_status=ScanStatus.INFECTED, scan_signature="Eicar-Test")
    response = client.post(f"/apply/{draft.public_id}/sign/", {"pin": DEMO_SIGN_PIN})
    assert response.status_code == 302 and response["Location"].endswith("/check/")
    check = client.get(response["Location"]).content.decode()
    assert "「roof.jpg」からウイルスが見つかりました。別のファイルを添付してから" in check
    assert "このファイルからウイルスが見つかりました" in check
    draft.refresh_from_db()
    assert draft.status == "draft"
