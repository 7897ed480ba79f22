"""Prefill with consent (docs/linkage.md): the offer, fetching through the hub, locked and
editable items marked with their source, a holder that is down, and the exchange history."""

from __future__ import annotations

import copy
import datetime
import logging

import pytest

from madoguchi.applications.arrivals import arrival_work_one
from madoguchi.applications.models import Application
from madoguchi.applications.types import Status
from madoguchi.apply.tests.conftest import publish, sign_in
from madoguchi.forms import presets
from madoguchi.linkage import hub as hub_module
from madoguchi.linkage.models import Agency, AnswerSource, ExchangeRecord, SeenRequest
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.signatures.services import DEMO_SIGN_PIN

pytestmark = pytest.mark.django_db

MY_NUMBER = "123456789018"
TARO_INCOME = {2024: 4800000, 2025: 5100000, 2026: 5100000}


@pytest.fixture
def child_allowance(pki, catalog):
    linkage_demo_load()
    return publish("child-allowance-claim")


@pytest.fixture
def draft(client, child_allowance, taro) -> Application:
    sign_in(client, taro)
    response = client.post(f"/apply/start/{child_allowance.pk}/")
    application = Application.objects.get()
    # The form names linkage sources: the consent offer comes first.
    assert response["Location"] == f"/apply/{application.public_id}/prefill/"
    return application


def prefill_url(application: Application) -> str:
    return f"/apply/{application.public_id}/prefill/"


def test_the_offer_says_what_is_fetched_from_whom_and_why(client, draft):
    html = client.get(prefill_url(draft)).content.decode()
    assert "住民基本台帳などから取得する" in html
    assert "申請者の氏名" in html and "前年の所得額（円）" in html
    assert "住民基本台帳から" in html and "税務課（地方税）から" in html
    assert "児童手当の支給に関する事務" in html
    assert "番号法第19条第8号" in html
    # Nothing is fetched by looking.
    assert not ExchangeRecord.objects.exists()


def test_consent_fills_and_marks_the_items(client, draft, taro):
    response = client.post(prefill_url(draft), {"_action": "fetch"})
    assert response.status_code == 302
    assert response["Location"] == f"/apply/{draft.public_id}/claimant/"
    draft.refresh_from_db()
    assert draft.raw_answers["applicant.name"] == {"family": "𠮷田", "given": "太郎"}
    assert draft.raw_answers["applicant.birth_date"] == "1985-04-12"
    previous = datetime.date.today().year - 1
    assert draft.raw_answers["income.amount"] == TARO_INCOME.get(previous, 5100000)
    sources = {s.item_code: s for s in AnswerSource.objects.filter(application_id=draft.public_id)}
    assert sources["applicant.name"].locked and not sources["applicant.name_kana"].locked
    assert sources["income.amount"].locked
    # Which exchange supplied which answer: one per holder.
    assert sources["applicant.name"].exchange_id != sources["income.amount"].exchange_id
    assert (
        ExchangeRecord.objects.filter(
            exchange_id=sources["income.amount"].exchange_id, outcome="provided"
        ).count()
        == 2
    )
    page = client.get(f"/apply/{draft.public_id}/claimant/").content.decode()
    # Locked: shown as text with its source, no input.
    assert 'name="applicant.name.family"' not in page
    assert "住民基本台帳から取得しました。ここでは変更できません" in page
    assert "𠮷田" in page
    # Editable: an input, marked with its source.
    assert 'name="applicant.name_kana.family"' in page
    assert 'id="f-applicant-name_kana_source"' in page


def test_a_forged_post_cannot_change_a_locked_item(client, draft):
    client.post(prefill_url(draft), {"_action": "fetch"})
    client.post(
        f"/apply/{draft.public_id}/claimant/",
        {
            "applicant.name.family": "偽",
            "applicant.name.given": "名前",
            "applicant.phone": "03-1234-5678",
            "_action": "later",
        },
    )
    draft.refresh_from_db()
    assert draft.raw_answers["applicant.name"] == {"family": "𠮷田", "given": "太郎"}
    assert draft.raw_answers["applicant.phone"] == "03-1234-5678"


def test_declining_fetches_nothing(client, draft):
    response = client.post(prefill_url(draft), {"_action": "skip"})
    assert response["Location"] == f"/apply/{draft.public_id}/claimant/"
    assert not ExchangeRecord.objects.exists()
    page = client.get(f"/apply/{draft.public_id}/claimant/").content.decode()
    assert 'name="applicant.name.family"' in page


def test_a_holder_that_is_down_leaves_its_items_fillable(client, draft):
    tax = Agency.objects.get(code="131016-tax")
    tax.endpoint = "http://127.0.0.1:9/exchange"  # nothing listens on the discard port
    tax.timeout_seconds = 0.5
    tax.save()
    # What the resident typed before is kept.
    client.post(
        f"/apply/{draft.public_id}/income/",
        {"income.dependents": "2", "_action": "later"},
    )
    response = client.post(prefill_url(draft), {"_action": "fetch"}, follow=True)
    html = response.content.decode()
    assert "税務課（地方税）" in html and "取得できませんでした" in html
    assert "入力した内容は失われていません" in html
    draft.refresh_from_db()
    assert draft.raw_answers["applicant.name"] == {"family": "𠮷田", "given": "太郎"}
    assert draft.raw_answers.get("income.amount") in (None, "")
    assert draft.raw_answers["income.dependents"] == "2"
    income = client.get(f"/apply/{draft.public_id}/income/").content.decode()
    assert 'name="income.amount"' in income
    assert ExchangeRecord.objects.filter(outcome="unavailable", side="requester").count() == 1


def _complete(application: Application) -> None:
    """The answers the resident types on the other pages (the sample of the preset), keeping
    the fetched ones."""
    preset = presets.preset_get("child-allowance-claim")
    assert preset is not None
    sample = copy.deepcopy(preset.samples[0])
    sample.pop("attachments.insurance_card")
    sample["spouse.exists"] = "no"
    for key in [k for k in sample if k.startswith("spouse.") and k != "spouse.exists"]:
        sample.pop(key)
    application.refresh_from_db()
    typed = {k: v for k, v in application.raw_answers.items() if v not in (None, "", [], {})}
    # The children fetched from the registry: the resident answers what the registry does
    # not say (relationship to the claimant, living together).
    for child in typed.get("children", []):
        child.setdefault("child.relationship", "child")
        child.setdefault("child.lives_together", "yes")
    application.raw_answers = {**sample, **typed}
    application.save(update_fields=["raw_answers"])


def test_prefilled_application_is_signed_and_received_and_no_my_number_travels(
    client, draft, taro, caplog
):
    caplog.set_level(logging.DEBUG)
    client.post(
        f"/apply/{draft.public_id}/claimant/",
        {"claimant.my_number": MY_NUMBER, "_action": "later"},
    )
    client.post(prefill_url(draft), {"_action": "fetch"})
    _complete(draft)
    draft.refresh_from_db()
    assert draft.raw_answers["claimant.my_number"] == MY_NUMBER
    response = client.post(f"/apply/{draft.public_id}/sign/", {"pin": DEMO_SIGN_PIN})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert arrival_work_one() is not None  # 到達, then the worker's 受付
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    # No 個人番号 in any exchange record, request id or log.
    for record in ExchangeRecord.objects.all():
        assert MY_NUMBER not in hub_module.record_body(record).decode()
    assert all(MY_NUMBER not in s.jti for s in SeenRequest.objects.all())
    assert MY_NUMBER not in caplog.text
    # The exchanges show in the resident's history, and as CSV.
    history = client.get("/apply/mypage/exchanges/").content.decode()
    assert history.count('class="exchange-item"') == 2
    assert "児童手当の支給に関する事務" in history
    csv = client.get("/apply/mypage/exchanges/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").count("\n") == 3
    taxed = client.get("/apply/mypage/exchanges/?category=tax").content.decode()
    assert taxed.count('class="exchange-item"') == 1
    pdf = client.get("/apply/mypage/exchanges/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_history_shows_only_the_residents_own_exchanges(client, draft, hanako):
    client.post(prefill_url(draft), {"_action": "fetch"})
    sign_in(client, hanako)
    history = client.get("/apply/mypage/exchanges/").content.decode()
    assert 'class="exchange-item"' not in history


def test_my_information_is_fetched_live_and_recorded(client, child_allowance, taro):
    sign_in(client, taro)
    page = client.get("/apply/mypage/information/").content.decode()
    assert "わたしの情報" in page
    # Looking fetches nothing; asking does, through the hub, and each holder's exchange is
    # in the history.
    assert not ExchangeRecord.objects.exists()
    html = client.post("/apply/mypage/information/", {"category": ["resident", "tax"]})
    text = html.content.decode()
    assert "𠮷田　太郎" in text and "世帯主" in text and "課税" in text
    assert "5,100,000" in text or "4,800,000" in text
    history = client.get("/apply/mypage/exchanges/").content.decode()
    assert history.count('class="exchange-item"') == 2
    assert "ご本人（マイページ）" in history


def test_my_information_shows_the_dates_moved_in_and_out_from_the_registry(
    client, child_allowance, taro
):
    import datetime

    from madoguchi.linkage.services import residency_set

    sign_in(client, taro)
    text = client.post("/apply/mypage/information/", {"category": ["resident"]}).content.decode()
    moved_in = text[text.index("転入した日") :].split("</dd>")[0]
    assert "記録なし" in moved_in  # here since birth: no 転入 recorded, said so

    residency_set(resident_id=taro.pk, moved_in_on=datetime.date(2021, 4, 1))
    text = client.post("/apply/mypage/information/", {"category": ["resident"]}).content.decode()
    moved_in = text[text.index("転入した日") :].split("</dd>")[0]
    assert "2021年4月1日" in moved_in and "記録なし" not in moved_in
