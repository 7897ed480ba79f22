from __future__ import annotations

import pytest
from django.test import Client

from madoguchi.applications.models import Application
from madoguchi.applications.services import (
    application_draft_create,
    application_status_change,
)
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import sign_and_examine, sign_in
from madoguchi.apply.tests.journey import fill_all, photo
from madoguchi.apply.tests.test_pdf import submitted
from madoguchi.audit.models import AuditEvent
from madoguchi.signatures.services import DEMO_SIGN_PIN

pytestmark = pytest.mark.django_db


def test_mypage_needs_a_resident_sign_in(client, demo):
    assert client.get("/apply/mypage/")["Location"] == "/signin/?next=%2Fapply%2Fmypage%2F"


def test_mypage_lists_drafts_received_and_returned_with_messages(
    client, disaster_form, taro, sample_answers
):
    draft = application_draft_create(form_version=disaster_form, resident=taro)
    received = submitted(disaster_form, taro, sample_answers)
    returned = submitted(disaster_form, taro, sample_answers)
    application_status_change(
        application=returned,
        to_status=Status.RETURNED,
        actor=None,
        message="被害状況の写真が不鮮明です。撮り直して添付してください。",
    )
    sign_in(client, taro)
    html = client.get("/apply/mypage/").content.decode()
    assert html.index("補正のため差し戻された申請") < html.index("作成中の申請")
    assert "被害状況の写真が不鮮明です" in html
    assert f"/apply/{draft.public_id}/delete/" in html
    assert received.receipt_display in html and "受付" in html
    assert f"/apply/{received.public_id}/withdraw/" in html
    assert f"/apply/{received.public_id}/copy.pdf" in html
    assert AuditEvent.objects.filter(action="application.list_viewed").exists()

    status = client.get(f"/apply/{returned.public_id}/status/").content.decode()
    assert "差戻し" in status or "補正" in status or "差し戻" in status
    assert "撮り直して" in status


def test_another_resident_gets_404_everywhere(client, disaster_form, taro, hanako, sample_answers):
    draft = application_draft_create(form_version=disaster_form, resident=taro)
    received = submitted(disaster_form, taro, sample_answers)
    sign_in(client, hanako)
    for application in (draft, received):
        base = f"/apply/{application.public_id}/"
        for url in [
            base,
            base + "applicant/",
            base + "check/",
            base + "sign/",
            base + "receipt/",
            base + "copy.pdf",
            base + "status/",
            base + "withdraw/",
            base + "delete/",
            base + "locked/",
        ]:
            assert client.get(url).status_code == 404, url
        assert client.post(base + "sign/", {"pin": DEMO_SIGN_PIN}).status_code == 404
        assert client.post(base + "withdraw/").status_code == 404
        assert client.post(base + "delete/").status_code == 404
        assert client.post(base + "applicant/", {"applicant.phone": "x"}).status_code == 404
    assert received.receipt_display not in client.get("/apply/mypage/").content.decode()
    draft.refresh_from_db()
    assert "applicant.phone" not in draft.raw_answers


def test_withdrawal_has_a_confirmation_step_and_ends_further_changes(
    client, disaster_form, taro, sample_answers
):
    application = submitted(disaster_form, taro, sample_answers)
    sign_in(client, taro)
    url = f"/apply/{application.public_id}/withdraw/"
    confirm = client.get(url).content.decode()
    assert "取り下げますか" in confirm
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # a GET changes nothing
    response = client.post(url)
    assert response["Location"] == f"/apply/{application.public_id}/status/"
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert "取り下げました" in client.get(response["Location"]).content.decode()
    assert client.post(url)["Location"] == response["Location"]  # a retry is harmless
    assert application.history.filter(to_status=Status.WITHDRAWN).count() == 1


def test_withdrawal_is_refused_once_processing_started(client, disaster_form, taro, sample_answers):
    application = submitted(disaster_form, taro, sample_answers)
    application_status_change(application=application, to_status=Status.IN_REVIEW, actor=None)
    sign_in(client, taro)
    url = f"/apply/{application.public_id}/withdraw/"
    assert client.get(url)["Location"].endswith("/status/")
    response = client.post(url)
    assert response.status_code == 409
    assert (
        "取り下げできません" in response.content.decode() or "取り下げ" in response.content.decode()
    )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_a_draft_is_deleted_after_confirmation(client, disaster_form, taro):
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    draft = Application.objects.get()
    client.post(f"/apply/{draft.public_id}/attachments/", {"attachments.photos": photo()})
    stored = draft.attachments.get().file
    assert stored.name and stored.storage.exists(stored.name)
    url = f"/apply/{draft.public_id}/delete/"
    assert "削除しますか" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == "/apply/mypage/"
    assert not Application.objects.exists()
    assert AuditEvent.objects.filter(action="application.draft_deleted").exists()


def test_a_returned_application_is_amended_and_signed_again_under_the_same_number(
    client, disaster_form, taro
):
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    application = Application.objects.get()
    fill_all(client, application)
    sign_and_examine(client, application)
    application.refresh_from_db()
    number = application.receipt_number
    application_status_change(
        application=application,
        to_status=Status.RETURNED,
        actor=None,
        message="写真を撮り直してください。",
    )
    # From mypage: the amend link opens the form, the new photo replaces the old one.
    response = client.get(f"/apply/{application.public_id}/")
    assert response["Location"].startswith(f"/apply/{application.public_id}/")
    new_photo = photo("roof-again.jpg", b"\xff\xd8\xff\xe1" + b"1" * 300)
    client.post(
        f"/apply/{application.public_id}/attachments/",
        {"attachments.photos": new_photo, "return": "check", "_action": "next"},
    )
    assert "roof-again.jpg" in client.get(f"/apply/{application.public_id}/check/").content.decode()
    response = sign_and_examine(client, application)
    assert response["Location"] == f"/apply/{application.public_id}/receipt/"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.receipt_number == number
    assert application.answers["attachments.photos"]["name"] == "roof-again.jpg"
    assert [c.to_status for c in application.history.all()] == [
        Status.SUBMITTED,
        Status.RETURNED,
        Status.SUBMITTED,
    ]


def test_someone_the_registry_does_not_know_is_told_plainly(client, disaster_form):
    from madoguchi.signin.claims import claims_from_token, claims_to_session
    from madoguchi.signin.services import SESSION_KEY, resident_user_get_or_create

    claims = claims_from_token(issuer="https://issuer.example", claims={"sub": "stranger"})
    user, _ = resident_user_get_or_create(claims=claims)
    other = Client()
    other.force_login(user)
    session = other.session
    session[SESSION_KEY] = {"user_id": user.pk, "claims": claims_to_session(claims)}
    session.save()
    response = other.get(f"/apply/start/{disaster_form.pk}/")
    assert response.status_code == 403
    assert "窓口" in response.content.decode()
