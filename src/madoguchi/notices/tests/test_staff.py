"""Staff pages: a municipality's wording (errors at the field, preview, save, reset), a send to
a segment with the count confirmed first, delivery status — never another municipality's."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from madoguchi.accounts.models import Membership
from madoguchi.audit.models import AuditEvent
from madoguchi.notices.models import Notice, TemplateOverride
from madoguchi.notices.testing import resident_in
from madoguchi.notices.tests.conftest import CHIYODA, YOKOHAMA
from madoguchi.reception.testing import staff_login

pytestmark = pytest.mark.django_db


def staff(client, municipality: str, role: str = "admin", name: str = "clerk"):
    user = get_user_model().objects.create_user(username=f"{name}-{municipality}")
    Membership.objects.create(user=user, municipality_id=municipality, role=role)
    staff_login(client, user)
    return user


def test_wording_unknown_variable_is_refused_at_the_field(client, master):
    staff(client, CHIYODA)
    url = f"/staff/notices/templates/tests.hello/?municipality={CHIYODA}"
    page = client.post(
        url,
        {"municipality": CHIYODA, "subject": "{name}様", "body": "{amont}円", "action": "save"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'field__error" id="id_body_error">.*\{amont\}', html)
    assert "id_subject_error" not in html
    assert not TemplateOverride.objects.exists()

    preview = client.post(
        url,
        {"municipality": CHIYODA, "subject": "{name}様", "body": "{amount}円", "action": "preview"},
    ).content.decode()
    assert "山田様" in preview and "70,000円" in preview
    assert not TemplateOverride.objects.exists()

    saved = client.post(
        url,
        {"municipality": CHIYODA, "subject": "{name}様", "body": "{amount}円", "action": "save"},
    )
    assert saved.status_code == 302
    assert TemplateOverride.objects.get(municipality_id=CHIYODA, code="tests.hello").body == (
        "{amount}円"
    )
    assert AuditEvent.objects.filter(action="notices.template_changed").exists()
    client.post(url, {"municipality": CHIYODA, "action": "reset"})
    assert not TemplateOverride.objects.exists()


def test_a_segment_send_confirms_the_count_then_sends_once(client, master):
    staff(client, CHIYODA)
    for i in range(3):
        resident_in(CHIYODA, email=f"c{i}@example.jp")
    resident_in(YOKOHAMA, email="y@example.jp")
    form = client.get(f"/staff/notices/send/?municipality={CHIYODA}").content.decode()
    found = re.search(r'name="send_key" value="([0-9a-f]+)"', form)
    assert found is not None
    send_key = found.group(1)
    data = {
        "municipality": CHIYODA,
        "target": "all_with_account",
        "subject": "断水のお知らせ",
        "body": "12月5日は断水します。",
        "link": "https://evil.example/",
        "send_key": send_key,
    }
    refused = client.post("/staff/notices/send/", data).content.decode()
    assert 'id="id_link_error"' in refused and "断水のお知らせ" in refused  # nothing lost
    data["link"] = "/procedures/"
    confirm = client.post("/staff/notices/send/", data).content.decode()
    assert "3人の住民" in confirm or "3 residents" in confirm
    assert not Notice.objects.exists()
    done = client.post("/staff/notices/send/confirm/", data)
    assert done.status_code == 302
    assert Notice.objects.filter(municipality_id=CHIYODA).count() == 3
    assert len(mail.outbox) == 3
    # Submitted again (back button, double click): nothing more.
    client.post("/staff/notices/send/confirm/", data)
    assert Notice.objects.count() == 3 and len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="notices.segment_sent").count() == 2
    status = client.get(f"/staff/notices/?municipality={CHIYODA}").content.decode()
    print(status[status.find("<main") :])
    assert "断水のお知らせ" in status and "送信済み" in status


def test_staff_never_reach_another_municipality(client, master):
    resident = resident_in(YOKOHAMA, email="y@example.jp")
    from madoguchi.notices import services

    services.notice_send(
        resident_id=resident.pk,
        municipality_id=YOKOHAMA,
        template="tests.hello",
        context={"name": "横浜", "amount": "1"},
        dedupe_key="y1",
    )
    staff(client, CHIYODA)
    assert client.get(f"/staff/notices/?municipality={YOKOHAMA}").status_code == 404
    assert "横浜" not in client.get("/staff/notices/").content.decode()
    assert (
        client.get(f"/staff/notices/templates/tests.hello/?municipality={YOKOHAMA}").status_code
        == 404
    )
    data = {
        "municipality": YOKOHAMA,
        "target": "all_with_account",
        "subject": "s",
        "body": "b",
        "link": "",
        "send_key": "k",
    }
    assert client.post("/staff/notices/send/confirm/", data).status_code == 404
    assert client.post("/staff/notices/send/", data).status_code == 404
    assert Notice.objects.count() == 1


def test_a_viewer_sees_status_but_cannot_send(client, master):
    staff(client, CHIYODA, role="viewer")
    assert client.get(f"/staff/notices/?municipality={CHIYODA}").status_code == 200
    assert client.get("/staff/notices/send/").status_code == 403
    assert client.get("/staff/notices/templates/").status_code == 403
