"""「公金受取口座を利用する」 (issue 13, ADR 0021): a benefit form's payee item offers the
resident's registered account; the answer is a snapshot taken from the register; an account
changed or removed before signing is an error at the item with the draft kept; staff see it only
through the application, audited; the overlay and the staff editor switch it off and on."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from madoguchi.applications.models import Application, Arrival
from madoguchi.applications.services import application_draft_create
from madoguchi.audit.models import AuditEvent
from madoguchi.forms import presets
from madoguchi.forms.language import DefinitionError, definition_check
from madoguchi.forms.models import MunicipalForm
from madoguchi.forms.overlay import resolve
from madoguchi.forms.selectors import form_json_schema, form_validate
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.publicfunds import testing as funds_testing
from madoguchi.publicfunds.models import Account
from madoguchi.publicfunds.views import return_path
from madoguchi.reception.answers import item_columns
from madoguchi.reception.testing import staff_login

from .conftest import publish, sign_and_examine

PROCEDURE = "child-allowance-unpaid"
ITEM = "payee.account"
TYPED = {
    "payee.account.use": "other",
    "payee.account.bank_code": "0005",
    "payee.account.branch_code": "001",
    "payee.account.account_type": "ordinary",
    "payee.account.account_number": "7654321",
    "payee.account.holder_kana": "ヨシダ タロウ",
}


@pytest.fixture
def benefit_form(pki, catalog):
    """千代田区's published 児童手当 未支払請求 form: its payee block offers the account."""
    return publish(PROCEDURE)


@pytest.fixture
def draft(benefit_form, taro) -> Application:
    preset = presets.preset_get(PROCEDURE)
    assert preset is not None
    answers = copy.deepcopy(preset.samples[0])
    del answers[ITEM]
    return application_draft_create(form_version=benefit_form, resident=taro, answers=answers)


@pytest.fixture
def client_taro(client: Client, taro) -> Client:
    from .conftest import sign_in

    return sign_in(client, taro)


def _payee(draft: Application) -> str:
    return f"/apply/{draft.public_id}/payee/"


def _views(view: str) -> list[AuditEvent]:
    return [
        e
        for e in AuditEvent.objects.filter(action="publicfunds.account_viewed")
        if e.data.get("view") == view
    ]


def _choose_account(client: Client, draft: Application):
    return client.post(_payee(draft), {"payee.account.use": "public_funds", "_action": "next"})


def test_the_presets_payee_block_offers_the_account() -> None:
    for code in (PROCEDURE, "child-allowance-claim", "care-high-cost"):
        preset = presets.preset_get(code)
        assert preset is not None
        item = next(i for p in preset.definition["pages"] for i in p["items"] if i["code"] == ITEM)
        assert item["public_funds"] is True


def test_with_an_account_the_page_offers_it_masked(client_taro, draft, taro) -> None:
    account = funds_testing.account_for(taro, number="1234567")
    page = client_taro.get(_payee(draft)).content.decode()
    assert "公金受取口座を利用する" in page and "別の口座を入力する" in page
    assert 'name="payee.account.use" value="public_funds"' in page
    assert "****567" in page and account.number not in page  # masked
    assert "みずほ" in page
    (event,) = _views("apply-page")
    assert event.object_id == str(taro.pk) and event.data["application"] == str(draft.public_id)


def test_without_an_account_the_fields_and_a_link_back(client_taro, draft) -> None:
    page = client_taro.get(_payee(draft)).content.decode()
    assert 'name="payee.account.use"' not in page
    assert 'name="payee.account.bank_code"' in page
    register = reverse("publicfunds:edit") + "?next=%2Fapply%2F" + str(draft.public_id)
    assert register in page
    assert not _views("apply-page")  # no account shown


def test_choosing_it_keeps_a_snapshot_from_the_register(client_taro, draft, taro) -> None:
    account = funds_testing.account_for(taro, number="1234567")
    # Whatever the browser sends in the typed fields, the snapshot comes from the register.
    response = client_taro.post(
        _payee(draft),
        {**TYPED, "payee.account.use": "public_funds", "_action": "next"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    raw = draft.raw_answers[ITEM]
    assert raw["source"] == "public_funds"
    assert raw["registered_at"] == account.registered_at.isoformat()
    assert raw["account_number"] == "1234567" and raw["bank_code"] == "0001"
    answers = form_validate(form_version=draft.form_version, answers=draft.raw_answers).answers
    assert answers[ITEM] == {
        "bank_code": "0001",
        "bank_name": "みずほ",
        "branch_code": "001",
        "branch_name": "東京営業部",
        "account_type": "ordinary",
        "account_number": "1234567",
        "holder_kana": "ヨシダ\u3000タロウ",
        "source": "public_funds",
        "registered_at": account.registered_at.isoformat(),
    }
    # The page shows the choice back, the typed fields empty.
    page = client_taro.get(_payee(draft)).content.decode()
    assert (
        'value="public_funds" aria-describedby="f-payee-account-use-public_funds_hint" checked'
        in page
    )
    assert 'name="payee.account.account_number" value=""' in page


def test_another_account_is_kept_as_typed(client_taro, draft, taro) -> None:
    funds_testing.account_for(taro)
    assert client_taro.post(_payee(draft), {**TYPED, "_action": "next"}).status_code == 302
    draft.refresh_from_db()
    answer = form_validate(form_version=draft.form_version, answers=draft.raw_answers).answers
    assert answer[ITEM]["account_number"] == "7654321"
    assert "source" not in answer[ITEM] and "use" not in answer[ITEM]
    # Chosen but left empty: the page shows that choice again, with the errors at the fields.
    response = client_taro.post(_payee(draft), {"payee.account.use": "other", "_action": "next"})
    page = response.content.decode()
    assert response.status_code == 200 and "金融機関コード" in page
    assert 'id="f-payee-account-use-other" name="payee.account.use" value="other" checked' in page


def test_signed_with_the_account_and_seen_by_staff_only_through_it(
    client_taro, draft, taro
) -> None:
    funds_testing.account_for(taro, number="1234567")
    _choose_account(client_taro, draft)
    check = client_taro.get(f"/apply/{draft.public_id}/check/").content.decode()
    assert "（公金受取口座）" in check
    assert _views("apply-check")
    received = sign_and_examine(client_taro, draft)
    assert received.status_code == 302 and received["Location"].endswith("/receipt/")
    draft.refresh_from_db()
    assert draft.receipt_number
    assert draft.answers[ITEM]["source"] == "public_funds"
    # Staff: the detail page shows it, and says so in the audit trail.
    staff = Client()
    staff_login(staff, "chiyoda-worker")
    page = staff.get(reverse("reception:detail", args=[draft.receipt_number]))
    assert page.status_code == 200
    assert "1234567" in page.content.decode() and "公金受取口座" in page.content.decode()
    (event,) = _views("application")
    assert event.object_id == str(taro.pk)
    assert event.data["application"] == draft.receipt_number
    assert event.municipality_code == "131016"
    # Exports carry the typed account's columns plus the source.
    keys = {column.key for column in item_columns(draft.form_version)}
    assert {"payee.account.account_number", "payee.account.source"} <= keys


def test_a_typed_account_is_no_account_view(client_taro, draft, taro) -> None:
    funds_testing.account_for(taro)
    client_taro.post(_payee(draft), {**TYPED, "_action": "next"})
    assert sign_and_examine(client_taro, draft).status_code == 302
    draft.refresh_from_db()
    staff = Client()
    staff_login(staff, "chiyoda-worker")
    assert staff.get(reverse("reception:detail", args=[draft.receipt_number])).status_code == 200
    assert not _views("application")


@pytest.mark.parametrize("what", ["changed", "removed"])
def test_an_account_changed_or_removed_before_signing_is_an_error_at_the_item(
    client_taro, draft, taro, what
) -> None:
    funds_testing.account_for(taro, number="1234567")
    _choose_account(client_taro, draft)
    draft.refresh_from_db()
    kept = copy.deepcopy(draft.raw_answers)
    if what == "changed":
        funds_testing.account_for(taro, number="2222222")
        expected = "選んだ後に公金受取口座が変更されました"
    else:
        Account.objects.filter(resident=taro).delete()
        expected = "公金受取口座が登録されていません"
    check = client_taro.get(f"/apply/{draft.public_id}/check/").content.decode()
    assert expected in check and "振込先口座" in check
    assert f"/apply/{draft.public_id}/payee/?return=check" in check
    response = sign_and_examine(client_taro, draft)
    assert response.status_code == 302 and response["Location"].endswith("/check/")
    assert not Arrival.objects.exists()
    draft.refresh_from_db()
    assert draft.raw_answers == kept and draft.receipt_number in ("", None)
    # Choosing again takes the account as it is now (or another one), then signing works.
    if what == "changed":
        _choose_account(client_taro, draft)
        draft.refresh_from_db()
        assert draft.raw_answers[ITEM]["account_number"] == "2222222"
    else:
        client_taro.post(_payee(draft), {**TYPED, "_action": "next"})
    assert sign_and_examine(client_taro, draft)["Location"].endswith("/receipt/")


def test_choosing_an_account_removed_meanwhile_is_an_error_at_the_field(
    client_taro, draft, taro
) -> None:
    funds_testing.account_for(taro)
    Account.objects.filter(resident=taro).delete()
    response = _choose_account(client_taro, draft)
    assert response.status_code == 200
    assert "公金受取口座が登録されていません" in response.content.decode()


def test_the_register_page_returns_to_the_form(client_taro, draft, taro) -> None:
    back = _payee(draft)
    edit = reverse("publicfunds:edit")
    page = client_taro.get(edit, {"next": back}).content.decode()
    assert "申請に戻り" in page
    response = client_taro.post(
        edit,
        {
            "bank": "0001",
            "branch": "001",
            "account_type": "1",
            "number": "1234567",
            "holder": "よしだ　たろう",
        },
    )
    assert response.status_code == 302
    response = client_taro.post(reverse("publicfunds:sign"), {"pin": funds_testing.DEMO_PIN})
    assert response.status_code == 302 and response["Location"] == back
    assert "公金受取口座を利用する" in client_taro.get(back).content.decode()


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/apply/x/",
        "//evil.example/apply/",
        "/\\evil.example/apply/",
        "/apply\\@evil.example",
        "/publicfunds/",
        "javascript:alert(1)",
        None,
    ],
)
def test_the_return_path_is_never_an_open_redirect(value) -> None:
    assert return_path(value) is None


def test_an_unsafe_next_is_ignored(client_taro, taro) -> None:
    edit = reverse("publicfunds:edit")
    client_taro.get(edit, {"next": "https://evil.example/apply/"})
    client_taro.post(
        edit,
        {
            "bank": "0001",
            "branch": "001",
            "account_type": "1",
            "number": "1",
            "holder": "よしだ　たろう",
        },
    )
    response = client_taro.post(reverse("publicfunds:sign"), {"pin": funds_testing.DEMO_PIN})
    assert response["Location"] == reverse("publicfunds:mine")


def test_the_overlay_switches_it_off_and_a_posted_choice_is_ignored(
    pki, catalog, client_taro, taro
) -> None:
    municipal_form = form_adopt_preset(
        municipality_code="131016", procedure_code=PROCEDURE, actor=None
    )
    municipal_form.overlay = {"public_funds": {ITEM: False}}
    municipal_form.save()
    version = form_publish(municipal_form=municipal_form, actor=None)
    assert "public_funds" not in next(
        i for p in version.definition["pages"] for i in p["items"] if i["code"] == ITEM
    )
    funds_testing.account_for(taro)
    draft = application_draft_create(form_version=version, resident=taro, answers={})
    page = client_taro.get(_payee(draft)).content.decode()
    assert 'name="payee.account.use"' not in page
    client_taro.post(_payee(draft), {**TYPED, "payee.account.use": "public_funds"})
    draft.refresh_from_db()
    assert draft.raw_answers[ITEM]["account_number"] == "7654321"
    assert "source" not in draft.raw_answers[ITEM]
    # A snapshot where the item does not offer the account is refused at the item.
    snapshot = {**form_validate(form_version=version, answers=draft.raw_answers).answers[ITEM]}
    snapshot |= {"source": "public_funds", "registered_at": "2026-01-05T09:00:00+09:00"}
    result = form_validate(form_version=version, answers={ITEM: snapshot}, page_ids=["payee"])
    assert [e.code for e in result.errors] == ["public_funds_not_offered"]
    assert "公金受取口座を利用できません" in result.errors[0].message


def test_the_overlay_switches_it_on_for_a_form_without_it() -> None:
    base = presets.preset_definition("care-high-cost")
    assert base is not None
    off = resolve(base, {"public_funds": {ITEM: False}})
    on = resolve(off, {"public_funds": {ITEM: True}})
    item = next(i for p in on["pages"] for i in p["items"] if i["code"] == ITEM)
    assert item["public_funds"] is True


def test_the_json_schema_marks_the_snapshot_read_only(benefit_form) -> None:
    schema = form_json_schema(form_version=benefit_form)
    account = schema["properties"][ITEM]["properties"]
    assert account["source"] == {**account["source"], "const": "public_funds", "readOnly": True}
    assert account["registered_at"]["readOnly"] is True


def test_the_language_allows_it_only_on_top_level_bank_accounts() -> None:
    definition = presets.preset_definition(PROCEDURE)
    assert definition is not None
    item = definition["pages"][0]["items"][0]
    item["public_funds"] = True
    with pytest.raises(DefinitionError) as error:
        definition_check(definition)
    assert "takes no public_funds" in str(error.value)
    grouped = {
        "language": "madoguchi-form/1",
        "procedure_code": PROCEDURE,
        "title": "t",
        "preset_version": 1,
        "signature_required": True,
        "pages": [
            {
                "id": "p",
                "title": "p",
                "items": [
                    {
                        "code": "payees",
                        "type": "group",
                        "label": "g",
                        "max": 2,
                        "items": [
                            {
                                "code": "payees.account",
                                "type": "bank_account",
                                "label": "a",
                                "public_funds": True,
                            }
                        ],
                    }
                ],
            }
        ],
    }
    with pytest.raises(DefinitionError) as error:
        definition_check(grouped)
    assert "public_funds only on a top-level item" in str(error.value)


def test_the_staff_editor_switches_it(pki, catalog) -> None:
    municipal_form = form_adopt_preset(
        municipality_code="131016", procedure_code=PROCEDURE, actor=None
    )
    staff = Client()
    staff_login(staff, "chiyoda-admin")
    url = reverse("forms:item-edit", args=["131016", PROCEDURE, ITEM])
    page = staff.get(url).content.decode()
    assert 'name="public_funds"' in page and "checked" in page.split('name="public_funds"')[1][:80]
    response = staff.post(url, {"label": "振込先口座", "help": ""})
    assert response.status_code == 302
    municipal_form = MunicipalForm.objects.get(pk=municipal_form.pk)
    assert municipal_form.overlay["public_funds"] == {ITEM: False}
    staff.post(url, {"label": "振込先口座", "help": "", "public_funds": "on"})
    municipal_form = MunicipalForm.objects.get(pk=municipal_form.pk)
    assert "public_funds" not in municipal_form.overlay
    # Not on other types.
    other = reverse("forms:item-edit", args=["131016", PROCEDURE, "applicant.phone"])
    assert 'name="public_funds"' not in staff.get(other).content.decode()
