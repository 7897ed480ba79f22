"""Dates on the resident's pages and PDF copy follow the language; staff pages stay Japanese."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone, translation

from madoguchi.apply.tests.conftest import sign_in
from madoguchi.apply.tests.test_languages import choose_language
from madoguchi.apply.tests.test_pdf import pdf_text, submitted
from madoguchi.forms.fieldtypes.base import FieldInvalid
from madoguchi.forms.fieldtypes.japanese import DateType
from madoguchi.forms.types import Item
from madoguchi.forms.wareki import format_wareki
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.testing import demo_resident

pytestmark = pytest.mark.django_db


def _english(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local.strftime('%B')} {local.year}, {local:%H:%M}"


def _japanese(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def test_my_page_and_receipt_in_english_and_japanese(client, disaster_form, taro, sample_answers):
    application = submitted(disaster_form, taro, sample_answers)
    sign_in(client, taro)
    receipt = f"/apply/{application.public_id}/receipt/"
    html = client.get("/apply/mypage/").content.decode()
    assert _japanese(application.submitted_at) in html
    choose_language(client, "en")
    html = client.get("/apply/mypage/").content.decode()
    assert _english(application.submitted_at) in html
    assert _japanese(application.submitted_at) not in html
    response = client.get(receipt)
    assert response.status_code == 200
    assert _english(application.submitted_at) in response.content.decode()
    choose_language(client, "ja-x-easy")
    assert _japanese(application.submitted_at) in client.get("/apply/mypage/").content.decode()


def test_the_pdf_copy_dates_in_english_and_in_japanese(client, disaster_form, taro, sample_answers):
    application = submitted(disaster_form, taro, sample_answers)
    sign_in(client, taro)
    japanese = pdf_text(client.get(f"/apply/{application.public_id}/copy.pdf").content)
    local = timezone.localtime(application.submitted_at)
    assert format_wareki(local.date()) in japanese  # 和暦 on the Japanese copy
    choose_language(client, "en")
    english = pdf_text(client.get(f"/apply/{application.public_id}/copy.pdf").content)
    assert _english(application.submitted_at) in english.replace("\n", " ")
    assert "令和" not in english
    # The answered date (2024-…) in the resident's language too, the stored value unchanged.
    disaster_day = application.answers["disaster.date"]
    with translation.override("en"):
        shown = DateType().display(
            {"code": "disaster.date", "type": "date", "label": "x"}, disaster_day
        )
    assert shown in english.replace("\n", " ")
    assert application.answers["disaster.date"] == disaster_day


def test_a_date_answer_and_its_limit_in_english():
    field = DateType()
    item: Item = {
        "code": "x.date",
        "type": "date",
        "label": "Date of the disaster",
        "validators": {"date_min": "2020-01-01"},
    }
    with translation.override("en"):
        assert field.display(item, "2024-04-01") == "1 April 2024"
        with pytest.raises(FieldInvalid) as error:
            field.parse(item, "2019-12-31")
        assert "1 January 2020" in error.value.problems[0].message
    with translation.override("ja"):
        assert field.display(item, "2024-04-01") == "令和6年4月1日（2024年4月1日）"
        with pytest.raises(FieldInvalid) as error:
            field.parse(item, "2019-12-31")
        assert "令和2年1月1日" in error.value.problems[0].message


def test_a_staff_page_keeps_japanese_dates_whatever_the_cookie(pki, catalog):
    taro = demo_resident("yoshida-taro")
    staff = Client()
    staff_login(staff, "chiyoda-worker")
    choose_language(staff, "en")
    html = staff.get(f"/staff/counter/residents/{taro.subject}/").content.decode()
    assert '<html lang="ja">' in html
    assert "1985年4月12日" in html
    assert "12 April 1985" not in html
