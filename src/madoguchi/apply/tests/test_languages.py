"""The resident's journey in English and やさしい日本語 (issue 16): the switch, the form's own
translations, the visible fallback, language-neutral data, and the PDF copy in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from madoguchi.apply.tests.conftest import sign_in
from madoguchi.apply.tests.test_pdf import pdf_text, submitted
from madoguchi.forms.translations import definition_localise, translated_presets

pytestmark = pytest.mark.django_db
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artefacts"


def choose_language(client, language: str, next_url: str = "/") -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_the_switch_keeps_the_page_and_is_remembered(client, disaster_form):
    url = f"/apply/start/{disaster_form.pk}/"
    choose_language(client, "en", url)
    page = client.get("/procedures/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "Find a procedure" in html
    assert 'lang="ja">日本語</button>' in html
    assert page["Content-Language"] == "en"


def test_staff_console_and_api_stay_japanese(client):
    choose_language(client, "en")
    problem = client.get("/api/v1/municipalities?code=131017")
    assert problem.status_code == 400
    assert problem["Content-Language"] == "ja"
    assert "団体コード" in problem.content.decode() or "コード" in problem.json()["title"]
    login = client.get("/staff/login/")
    assert '<html lang="ja">' in login.content.decode()


def test_a_form_page_in_english_and_easy_japanese(client, disaster_form, taro):
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    draft = taro.applications.get()
    choose_language(client, "en")
    html = client.get(f"/apply/{draft.public_id}/disaster/").content.decode()
    assert "Cause of the damage" in html
    assert "Storm or heavy rain (typhoon)" in html
    assert 'value="storm"' in html  # the data stays a code
    choose_language(client, "ja-x-easy")
    html = client.get(f"/apply/{draft.public_id}/disaster/").content.decode()
    assert '<html lang="ja-x-easy">' in html
    assert "こわれた" in html
    assert '<rt aria-hidden="true">' in html  # furigana on kanji beyond elementary school


def test_an_item_without_translation_falls_back_visibly(disaster_form):
    definition = disaster_form.definition
    definition["pages"][1]["items"].append(
        {"code": "local.pets", "type": "text", "label": "ペットの有無"}
    )
    definition["pages"][1]["items"][1]["label"] = "被災した日（市の表記）"  # reworded by the city
    english = definition_localise(definition, "en")
    labels = [item["label"] for item in english["pages"][1]["items"]]
    assert "ペットの有無 (in Japanese only)" in labels
    assert "被災した日（市の表記） (in Japanese only)" in labels
    assert "Where the damage is (address of the damaged home)" in labels
    assert definition_localise(definition, "ja") is definition


def test_the_demo_presets_ship_both_languages():
    for language in ("en", "ja-x-easy"):
        assert {"disaster-certificate", "child-allowance-claim"} <= set(
            translated_presets(language)
        )


def test_validation_errors_name_the_field_in_english(client, disaster_form, taro):
    sign_in(client, taro)
    client.post(f"/apply/start/{disaster_form.pk}/")
    draft = taro.applications.get()
    choose_language(client, "en")
    response = client.post(f"/apply/{draft.public_id}/disaster/", {"_action": "next"})
    assert response.status_code == 200
    assert "Enter Date of the disaster." in response.content.decode()


def test_the_pdf_copy_in_english(client, disaster_form, taro, sample_answers):
    application = submitted(disaster_form, taro, sample_answers)
    sign_in(client, taro)
    choose_language(client, "en")
    response = client.get(f"/apply/{application.public_id}/copy.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Copy of your application" in text
    assert "Cause of the damage" in text
    assert "𠮷田" in text  # names stay exactly as entered
    import pypdfium2

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(response.content)
    image = document[0].render(scale=1.5).to_pil()
    target = ARTEFACTS / "copy-en.png"
    image.save(target)
    assert target.stat().st_size > 10_000
    # Rendered, not blank: plenty of dark (text) pixels on the first page.
    grey = image.convert("L")
    dark = sum(1 for value in grey.getdata() if value < 128)
    assert dark > 5_000


def test_the_status_email_is_in_the_language_the_resident_used(
    client, disaster_form, taro, sample_answers, django_capture_on_commit_callbacks
):
    from django.core import mail

    from madoguchi.applications.services import application_status_change
    from madoguchi.applications.types import Status

    sign_in(client, taro)
    choose_language(client, "en")
    assert client.get("/apply/mypage/").status_code == 200  # the language is remembered here
    application = submitted(disaster_form, taro, sample_answers)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_status_change(
            application=application, to_status=Status.RETURNED, actor=None, message="写真を"
        )
    [message] = mail.outbox
    assert message.subject.startswith("[Madoguchi] Your application")
    assert "Returned for correction" in message.subject
    assert "Message from the municipality:" in message.body
