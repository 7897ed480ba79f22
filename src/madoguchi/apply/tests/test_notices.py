"""お知らせ in My page (madoguchi.notices): the 受付不可 notice of an arrival, the inbox, the
notice page that marks it read, and the unread badge."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from madoguchi.applications.arrivals import arrivals_work
from madoguchi.applications.models import Application, Arrival
from madoguchi.apply.tests.conftest import sign_in
from madoguchi.apply.tests.journey import fill_all
from madoguchi.audit.models import AuditEvent
from madoguchi.notices import selectors as notice_selectors
from madoguchi.notices import services as notice_services
from madoguchi.notices.models import Notice
from madoguchi.signatures.services import DEMO_SIGN_PIN


@pytest.fixture
def ready(client, disaster_form, taro) -> Application:
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    application = Application.objects.get()
    fill_all(client, application)
    return application


def test_a_refused_arrival_becomes_a_notice_once(client, ready, taro):
    from madoguchi.signatures.services import certificate_revoke
    from madoguchi.signatures.testing import signing_issued

    taro.email = "taro@example.jp"
    taro.save(update_fields=["email"])
    signed = client.post(f"/apply/{ready.public_id}/sign/", {"pin": DEMO_SIGN_PIN})
    certificate_revoke(certificate=signing_issued(taro))
    mail.outbox.clear()
    assert arrivals_work() == 1
    arrival = Arrival.objects.get()
    notice = Notice.objects.get(dedupe_key=f"arrival-refused:{arrival.number}")
    assert notice.resident_id == taro.pk and notice.municipality_id == "131016"
    assert arrival.display in notice.subject
    assert "失効" in notice.body  # the reason
    assert notice.link == signed["Location"]
    assert [m.to for m in mail.outbox] == [["taro@example.jp"]]

    # My page: the badge and the link to the inbox (and the refused arrival, as before).
    mypage = client.get("/apply/mypage/").content.decode()
    assert "/apply/mypage/notices/" in mypage and "1件の未読" in mypage
    assert arrival.display in mypage

    # Inbox → the notice → read; the badge is gone.
    inbox = client.get("/apply/mypage/notices/").content.decode()
    assert notice.subject in inbox and "未読" in inbox
    page = client.get(f"/apply/mypage/notices/{notice.pk}/")
    assert page.status_code == 200 and "失効" in page.content.decode()
    assert signed["Location"] in page.content.decode()
    assert notice_selectors.unread_count(taro.pk) == 0
    assert "1件の未読" not in client.get("/apply/mypage/").content.decode()
    assert AuditEvent.objects.filter(action="notices.notice_viewed", object_id=str(notice.pk))


def test_someone_elses_notice_is_not_found(client, taro, hanako):
    other = notice_services.notice_send(
        resident_id=hanako.pk,
        municipality_id="131016",
        template="applications.arrival_refused",
        context={"number": "X", "reason": "y"},
        dedupe_key="t1",
    )
    sign_in(client, taro)
    assert client.get(f"/apply/mypage/notices/{other}/").status_code == 404
    assert Notice.objects.get(pk=other).read_at is None
    assert "お知らせはありません。" in client.get("/apply/mypage/notices/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "You have no notices." in client.get("/apply/mypage/notices/").content.decode()


def test_the_inbox_is_newest_first_and_paginated(client, taro):
    for n in range(23):
        notice_services.notice_send(
            resident_id=taro.pk,
            municipality_id="131016",
            template="applications.arrival_refused",
            context={"number": f"N{n:02d}", "reason": "r"},
            dedupe_key=f"p{n}",
            email=False,
        )
    sign_in(client, taro)
    first = client.get("/apply/mypage/notices/").content.decode()
    assert "N22" in first and "N03" in first and "N02" not in first
    assert first.index("N22") < first.index("N21")
    second = client.get("/apply/mypage/notices/?page=2").content.decode()
    assert "N02" in second and "N00" in second and "N22" not in second
