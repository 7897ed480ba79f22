from __future__ import annotations

import pytest
from django.core import mail

from madoguchi.applications import receipts
from madoguchi.applications.arrivals import arrivals_work
from madoguchi.applications.models import Application, Arrival
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import sign_and_examine, sign_in
from madoguchi.apply.tests.journey import fill_all
from madoguchi.audit.models import AuditEvent
from madoguchi.signatures.services import DEMO_SIGN_PIN, PinKind, card_pin_reset

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(client, disaster_form, taro) -> Application:
    """Taro's 罹災証明書 application, every page filled in and checked."""
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    application = Application.objects.get()
    fill_all(client, application)
    return application


def sign_url(application: Application) -> str:
    return f"/apply/{application.public_id}/sign/"


def test_sign_page_asks_for_the_signing_pin_without_autocomplete(client, ready):
    html = client.get(sign_url(ready)).content.decode()
    assert 'type="password"' in html and 'autocomplete="off"' in html
    assert "署名用電子証明書の暗証番号" in html
    assert "全8ステップ中 8 ステップ目" in html


def test_a_wrong_pin_shows_the_remaining_tries_at_the_field(client, ready):
    response = client.post(sign_url(ready), {"pin": "WRONG123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "あと4回間違えるとロックされます" in html or "あと4回" in html
    assert 'id="id_pin_error"' in html and 'aria-describedby="id_pin_help id_pin_error"' in html
    assert 'href="#id_pin"' in html  # the error summary links to the field
    assert "WRONG123" not in html  # the PIN is never echoed back
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT
    # On the next visit the page warns before the resident types.
    assert "あと4回" in client.get(sign_url(ready)).content.decode()


def test_a_malformed_pin_is_not_counted(client, ready, taro):
    response = client.post(sign_url(ready), {"pin": "12"})
    assert "英数字" in response.content.decode()
    from madoguchi.signatures.services import pin_remaining_tries

    assert pin_remaining_tries(resident=taro) == 5


def test_the_fifth_wrong_pin_locks_and_says_what_to_do(client, ready, taro):
    for _ in range(4):
        client.post(sign_url(ready), {"pin": "WRONG123"})
    response = client.post(sign_url(ready), {"pin": "WRONG123"})
    assert response["Location"] == f"/apply/{ready.public_id}/locked/"
    html = client.get(response["Location"]).content.decode()
    assert "ロックされました" in html and "窓口" in html and "初期化" in html
    assert "千代田区" in html  # the offering's contact
    # Even the right PIN is refused now, and the sign page sends the resident here.
    assert client.get(sign_url(ready))["Location"].endswith("/locked/")
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT and ready.raw_answers  # nothing lost
    # After the counter resets the PIN, signing works with the new one.
    card_pin_reset(resident=taro, kind=PinKind.SIGN, new_pin="NEWPIN77")
    response = sign_and_examine(client, ready, "NEWPIN77")
    assert response["Location"] == f"/apply/{ready.public_id}/receipt/"


def test_signing_submits_once_whatever_is_clicked_twice(
    client, ready, taro, django_capture_on_commit_callbacks
):
    arrival_page = f"/apply/{ready.public_id}/arrival/"
    signed = client.post(sign_url(ready), {"pin": DEMO_SIGN_PIN})
    assert signed["Location"] == arrival_page
    # Before the worker examines it: 到達 with its number, and nothing can change meanwhile —
    # a second click signs nothing again, every editing page leads to the 到達 page.
    arrival = Arrival.objects.get()
    waiting = client.get(arrival_page)
    assert f"到達しました（到達番号 {arrival.display}）" in waiting.content.decode()
    assert waiting["Refresh"] == "3" and waiting["Cache-Control"] == "no-store"
    assert "Refresh" not in client.get(arrival_page + "?auto=0")  # WCAG 2.2.1: it can stop
    assert client.post(sign_url(ready), {"pin": DEMO_SIGN_PIN})["Location"] == arrival_page
    assert client.get(f"/apply/{ready.public_id}/check/")["Location"] == arrival_page
    assert client.post(f"/apply/{ready.public_id}/disaster/", {})["Location"] == arrival_page
    assert Arrival.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert arrivals_work() == 1
    first = client.get(arrival_page)  # reloaded by itself: now the receipt
    assert first["Location"] == f"/apply/{ready.public_id}/receipt/"
    ready.refresh_from_db()
    assert ready.status == Status.SUBMITTED
    assert receipts.is_valid(ready.receipt_number)
    assert ready.signature_evidence.outcome == "valid"
    number = ready.receipt_number
    # A double click, the back button and a reload of the POST: the same receipt, no new rows.
    second = client.post(sign_url(ready), {"pin": DEMO_SIGN_PIN})
    assert second["Location"] == first["Location"]
    assert client.post(sign_url(ready), {"pin": "WRONG123"})["Location"] == first["Location"]
    assert client.get(sign_url(ready))["Location"] == first["Location"]
    assert client.get(f"/apply/{ready.public_id}/disaster/")["Location"] == first["Location"]
    assert client.post(f"/apply/{ready.public_id}/disaster/", {})["Location"] == first["Location"]
    assert client.post(f"/apply/start/{ready.form_version_id}/").status_code == 302
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 1
    ready.refresh_from_db()
    assert ready.receipt_number == number and ready.history.count() == 1
    # The confirmation e-mail went out through the task queue.
    assert any(number[:4] in message.subject for message in mail.outbox)

    receipt = client.get(first["Location"]).content.decode()
    assert receipts.display(number) in receipt
    assert 'class="receipt-panel__number"' in receipt
    assert f"/apply/{ready.public_id}/copy.pdf" in receipt
    assert AuditEvent.objects.filter(action="application.viewed", object_id=number).exists()


def test_a_procedure_without_signature_is_sent_from_the_check_page(client, unsigned_form, taro):
    sign_in(client, taro)
    client.post(f"/apply/start/{unsigned_form.pk}/")
    application = Application.objects.get()
    # Fill the form with its preset's sample answers (already valid).
    from madoguchi.applications.services import application_answers_save
    from madoguchi.forms import presets

    preset = presets.preset_get("care-insurance-card-reissue")
    assert preset is not None
    application_answers_save(application=application, answers=preset.samples[0])
    check = client.get(f"/apply/{application.public_id}/check/").content.decode()
    assert "電子署名は不要です" in check
    assert "/sign/" not in check
    assert "全" in check and "ステップ中" in check
    assert "********9018" in check  # 個人番号 masked
    assert client.get(f"/apply/{application.public_id}/sign/")["Location"].endswith("/check/")
    # Arrival first, like a signed one (one contract, ADR 0011): the 到達 page, then the receipt.
    response = client.post(f"/apply/{application.public_id}/submit/")
    assert response["Location"] == f"/apply/{application.public_id}/arrival/"
    again = client.post(f"/apply/{application.public_id}/submit/")
    assert again["Location"] == response["Location"]
    assert Arrival.objects.filter(draft=application).count() == 1  # sent twice, arrived once
    assert arrivals_work() == 1
    arrived = client.get(f"/apply/{application.public_id}/arrival/")
    assert arrived["Location"] == f"/apply/{application.public_id}/receipt/"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.signature_evidence is None


def test_a_signed_procedure_cannot_be_sent_unsigned(client, ready):
    response = client.post(f"/apply/{ready.public_id}/submit/")
    assert response["Location"] == sign_url(ready)
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT


def test_signing_incomplete_answers_goes_back_to_the_check(client, disaster_form, taro):
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    application = Application.objects.get()
    response = client.post(sign_url(application), {"pin": DEMO_SIGN_PIN})
    assert response["Location"] == f"/apply/{application.public_id}/check/"
    from madoguchi.signatures.services import pin_remaining_tries

    assert pin_remaining_tries(resident=taro) == 5


def test_an_arrival_that_ends_not_accepted_says_why_and_shows_on_my_page(client, ready, taro):
    """受付不可 on the web: the certificate is revoked between 到達 and 受付. The 到達 page then
    says why, with a way back; My page shows it as a notice; the draft is kept."""
    from madoguchi.signatures.services import certificate_revoke
    from madoguchi.signatures.testing import signing_issued

    signed = client.post(sign_url(ready), {"pin": DEMO_SIGN_PIN})
    assert signed["Location"] == f"/apply/{ready.public_id}/arrival/"
    certificate_revoke(certificate=signing_issued(taro))
    assert arrivals_work() == 1
    page = client.get(signed["Location"])
    html = page.content.decode()
    arrival = Arrival.objects.get()
    assert page.status_code == 200 and "Refresh" not in page
    assert "申請を受け付けられませんでした" in html and arrival.display in html
    assert "失効" in html  # the reason, in Japanese
    assert f"/apply/{ready.public_id}/check/" in html
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT and ready.raw_answers  # nothing lost
    mypage = client.get("/apply/mypage/").content.decode()
    assert "お知らせ" in mypage and arrival.display in mypage
    # Editing is open again (no arrival is waiting).
    assert client.get(f"/apply/{ready.public_id}/check/").status_code == 200
