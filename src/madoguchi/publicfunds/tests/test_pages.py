"""The resident pages: sign-in required, field errors at the field (Japanese), the bank picked
from a list without JavaScript, the name warning, the PIN step, change, remove, audits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from madoguchi.apply.tests.conftest import sign_in
from madoguchi.audit.models import AuditEvent
from madoguchi.publicfunds import selectors, testing
from madoguchi.signatures.testing import demo_resident

MINE = reverse("publicfunds:mine")
EDIT = reverse("publicfunds:edit")
SIGN = reverse("publicfunds:sign")
REMOVE = reverse("publicfunds:remove")
GOOD = {
    "bank": "0001",
    "branch": "001",
    "account_type": "1",
    "number": "1234567",
    "holder": "よしだ　たろう",
}


@pytest.fixture
def taro(pki):
    return demo_resident("yoshida-taro")


@pytest.fixture
def client_taro(client: Client, taro) -> Client:
    return sign_in(client, taro)


def _viewed() -> int:
    return AuditEvent.objects.filter(action="publicfunds.account_viewed").count()


def test_pages_need_a_resident_sign_in(client: Client, pki) -> None:
    for url in (MINE, EDIT, SIGN, REMOVE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("signin:start"))


def test_staff_password_login_is_not_a_resident_sign_in(client: Client, pki) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="chiyoda-worker"))
    assert client.get(MINE).status_code == 302


def test_register_sign_show_change_remove(client_taro: Client, taro) -> None:
    response = client_taro.get(MINE)
    assert response.status_code == 200 and "登録されていません" in response.content.decode()
    assert _viewed() == 0  # nothing to see, nothing audited
    response = client_taro.post(EDIT, GOOD)
    assert response.status_code == 302 and response["Location"] == SIGN
    page = client_taro.get(SIGN).content.decode()
    assert "みずほ" in page and "東京営業部" in page and "ヨシダ タロウ" in page
    assert selectors.account_for_resident(taro.pk) is None  # not before signing
    response = client_taro.post(SIGN, {"pin": "WRONG999"})
    assert response.status_code == 400
    assert "暗証番号" in response.content.decode() or "PIN" in response.content.decode()
    response = client_taro.post(SIGN, {"pin": testing.DEMO_PIN})
    assert response.status_code == 302 and response["Location"] == MINE
    account = selectors.account_for_resident(taro.pk)
    assert account is not None and account.number == "1234567"
    page = client_taro.get(MINE).content.decode()
    assert "1234567" in page and "ヨシダ タロウ" in page
    assert _viewed() == 1
    event = AuditEvent.objects.filter(action="publicfunds.account_viewed").get()
    assert event.object_id == str(taro.pk) and event.data["view"] == "resident-page"
    # Change: the form comes prefilled (a view: audited), the bank chosen by name.
    response = client_taro.get(EDIT)
    assert 'value="みずほ"' in response.content.decode()
    assert _viewed() == 2
    response = client_taro.post(
        EDIT, {**GOOD, "bank": "三菱ＵＦＪ", "branch": "001", "number": "55"}
    )
    assert response.status_code == 302
    assert client_taro.post(SIGN, {"pin": testing.DEMO_PIN}).status_code == 302
    account = selectors.account_for_resident(taro.pk)
    assert account is not None and (account.bank_code, account.number) == ("0005", "0000055")
    # Remove.
    assert client_taro.get(REMOVE).status_code == 200
    assert client_taro.post(REMOVE, {"pin": testing.DEMO_PIN}).status_code == 302
    assert selectors.account_for_resident(taro.pk) is None
    page = client_taro.get(MINE).content.decode()
    assert page.count("<li>") >= 3  # the history: registered, changed, removed


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"bank": "存在しない銀行"}, "bank", "存在しない銀行"),
        ({"bank": "9999"}, "bank", "9999"),
        ({"branch": "888"}, "branch", "888"),
        ({"account_type": ""}, "account_type", "口座種別"),
        ({"number": "12a"}, "number", "数字"),
        ({"number": "12345678"}, "number", "7桁"),
        ({"holder": "吉田太郎"}, "holder", "「吉」「田」「太」「郎」"),
    ],
)
def test_bad_input_is_answered_at_its_field(client_taro: Client, overrides, field, text) -> None:
    response = client_taro.post(EDIT, {**GOOD, **overrides})
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert text in form.errors[field][0]
    page = response.content.decode()
    assert 'class="error-summary"' in page
    # What was typed stays in the form.
    for name, value in {**GOOD, **overrides}.items():
        if name not in ("account_type",) and value:
            assert f'value="{value}"' in page


def test_a_bank_name_matching_several_offers_a_list(client_taro: Client) -> None:
    response = client_taro.post(EDIT, {**GOOD, "bank": "みずほ信", "branch": "010"})
    # 「みずほ信託」 only: chosen at once.
    assert not (response.context and response.context["form"].errors), response.context[
        "form"
    ].errors
    assert response.status_code == 302
    response = client_taro.post(EDIT, {**GOOD, "bank": "三菱"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="bank_code"' in page and "0005" in page
    response = client_taro.post(EDIT, {**GOOD, "bank": "三菱", "bank_code": "0005"})
    assert not (response.context and response.context["form"].errors), response.context[
        "form"
    ].errors
    assert response.status_code == 302
    pending = client_taro.session["publicfunds.pending"]
    assert pending["details"]["bank_code"] == "0005"


def test_a_branch_by_name(client_taro: Client) -> None:
    response = client_taro.post(EDIT, {**GOOD, "branch": "丸の内中央"})
    assert response.status_code == 302
    assert client_taro.session["publicfunds.pending"]["details"]["branch_code"] == "004"
    response = client_taro.post(EDIT, {**GOOD, "branch": "まるの"})
    assert response.status_code == 400 and 'name="branch_code"' in response.content.decode()


def test_a_holder_who_is_not_the_resident_is_warned_then_confirmed(client_taro, taro) -> None:
    response = client_taro.post(EDIT, {**GOOD, "holder": "さとう　たろう"})
    assert response.status_code == 200  # a warning, not an error
    page = response.content.decode()
    assert "notice--warning" in page and "サトウ タロウ" in page and 'name="confirm_name"' in page
    assert not response.context["form"].errors
    response = client_taro.post(EDIT, {**GOOD, "holder": "さとう　たろう", "confirm_name": "on"})
    assert response.status_code == 302
    assert client_taro.post(SIGN, {"pin": testing.DEMO_PIN}).status_code == 302
    account = selectors.account_for_resident(taro.pk)
    assert account is not None and account.holder_kana == "ｻﾄｳ ﾀﾛｳ"
    assert selectors.account_history(taro.pk).get().name_warning_confirmed


def test_errors_in_english_for_an_english_resident(client_taro: Client) -> None:
    client_taro.cookies["django_language"] = "en"
    response = client_taro.post(EDIT, {**GOOD, "number": "x"})
    assert "digits only" in response.context["form"].errors["number"][0]


def test_mypage_links_to_the_account(client_taro: Client) -> None:
    page = client_taro.get(reverse("apply:mypage")).content.decode()
    assert MINE in page


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Register a public funds receipt account", "Next: check and sign"),
        ("ja-x-easy", "登録する", "確かめて"),
    ],
)
def test_the_form_in_english_and_easy_japanese(client_taro, language, heading, button) -> None:
    client_taro.cookies["django_language"] = language
    page = client_taro.get(EDIT).content.decode()
    assert heading in page and button in page
