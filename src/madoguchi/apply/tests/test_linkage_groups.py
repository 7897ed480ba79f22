"""Group items prefilled from the 住民基本台帳 (docs/linkage.md, "Groups"): one entry per
household member or child, every fetched cell marked with its source; a locked group keeps its
fetched entries whatever a post says; an editable one can be corrected, added to and shortened
(its marks follow the entries); what the resident typed before is kept."""

from __future__ import annotations

import pytest
from django.test import Client

from madoguchi.applications.arrivals import arrival_work_one
from madoguchi.applications.models import Application
from madoguchi.apply.tests import journey
from madoguchi.apply.tests.conftest import publish, sign_in
from madoguchi.linkage.models import AnswerSource, ExchangeRecord
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.reception.testing import staff_login
from madoguchi.signatures.services import DEMO_SIGN_PIN

pytestmark = pytest.mark.django_db

HANAKO = {"family": "𠮷田", "given": "花子"}
HARUTO = {"family": "𠮷田", "given": "陽翔"}
YUI = {"family": "𠮷田", "given": "結衣"}


def _start(client: Client, procedure_code: str, resident) -> Application:
    linkage_demo_load()
    form = publish(procedure_code)
    sign_in(client, resident)
    client.post(f"/apply/start/{form.pk}/")
    return Application.objects.get()


def _fetch(client: Client, application: Application) -> None:
    response = client.post(f"/apply/{application.public_id}/prefill/", {"_action": "fetch"})
    assert response.status_code == 302
    application.refresh_from_db()


def _sources(application: Application) -> dict[str, AnswerSource]:
    return {
        s.item_code: s for s in AnswerSource.objects.filter(application_id=application.public_id)
    }


@pytest.fixture
def disaster(client, pki, catalog, taro) -> Application:
    return _start(client, "disaster-certificate", taro)


@pytest.fixture
def childcare(client, pki, catalog, taro) -> Application:
    return _start(client, "childcare-admission", taro)


def test_the_offer_names_the_lists_of_people_and_what_each_entry_gets(client, childcare):
    html = client.get(f"/apply/{childcare.public_id}/prefill/").content.decode()
    assert "入所を希望する児童" in html and "世帯の児童" in html
    assert "同居している家族" in html and "本人以外の世帯員" in html
    assert "児童の氏名（フリガナ）" in html and "家族の生年月日" in html


def test_a_locked_group_is_filled_with_the_household_and_cannot_be_changed(client, disaster):
    _fetch(client, disaster)
    members = disaster.raw_answers["household.members"]
    assert [m["member.name"] for m in members] == [HANAKO, HARUTO, YUI]
    sources = _sources(disaster)
    # One source per fetched cell, all from the same exchange, locked.
    cells = sorted(code for code in sources if code.startswith("household.members["))
    assert cells == [f"household.members[{i}].member.name" for i in range(3)]
    assert all(
        sources[c].locked and sources[c].source_item == "jumin.household_members" for c in cells
    )
    assert len({sources[c].exchange_id for c in cells}) == 1
    page = client.get(f"/apply/{disaster.public_id}/household/").content.decode()
    # The names are text, the relationship (not in the registry's sense) is an input.
    assert 'name="household.members[0].member.name.family"' not in page
    assert 'name="household.members[0].member.relationship"' in page
    assert "結衣" in page and "ここでは追加・削除できません" in page
    assert 'name="_add_entry"' not in page and 'name="_remove_entry"' not in page


def test_a_forged_post_cannot_rename_remove_or_add_locked_entries(client, disaster):
    _fetch(client, disaster)
    url = f"/apply/{disaster.public_id}/household/"
    relationship = {
        f"household.members[{i}].member.relationship": r for i, r in enumerate(["妻", "子", "子"])
    }
    forged = {
        "household.members.count": "4",
        "household.members[0].member.name.family": "偽",
        "household.members[0].member.name.given": "名前",
        "household.members[3].member.name.family": "追加",
        "household.members[3].member.name.given": "太郎",
        "household.members[3].member.relationship": "友人",
        **relationship,
        "_action": "later",
    }
    client.post(url, forged)
    disaster.refresh_from_db()
    members = disaster.raw_answers["household.members"]
    assert [m["member.name"] for m in members] == [HANAKO, HARUTO, YUI]
    # What the resident may answer is kept.
    assert [m["member.relationship"] for m in members] == ["妻", "子", "子"]
    # Removing or adding an entry is refused: the page comes back with the same entries.
    client.post(
        url,
        {"household.members.count": "3", **relationship, "_remove_entry": "household.members[0]"},
    )
    client.post(
        url, {"household.members.count": "3", **relationship, "_add_entry": "household.members"}
    )
    client.post(url, {"household.members.count": "1", **relationship, "_action": "later"})
    disaster.refresh_from_db()
    assert [m["member.name"] for m in disaster.raw_answers["household.members"]] == [
        HANAKO,
        HARUTO,
        YUI,
    ]
    assert len(_sources(disaster)) == 7  # 4 applicant items + 3 names, none moved


def test_an_editable_group_is_filled_marked_and_can_be_corrected_added_to_and_shortened(
    client, childcare
):
    _fetch(client, childcare)
    children = childcare.raw_answers["children"]
    assert [(c["child.name"], c["child.birth_date"]) for c in children] == [
        (HARUTO, "2019-06-01"),
        (YUI, "2023-02-14"),
    ]
    assert children[0]["child.name_kana"] == {"family": "ヨシダ", "given": "ハルト"}
    members = childcare.raw_answers["household.members"]
    assert [m["member.name"] for m in members] == [HANAKO, HARUTO, YUI]
    url = f"/apply/{childcare.public_id}/children/"
    page = client.get(url).content.decode()
    # Inputs holding the fetched values, each cell marked with its source.
    assert 'name="children[1].child.name.given" value="結衣"' in page
    assert 'id="f-children-1--child-name_source"' in page
    assert 'aria-describedby="f-children-1--child-birth_date_source"' in page or (
        "f-children-1--child-birth_date_source" in page
    )
    assert 'name="_add_entry"' in page and 'name="_remove_entry"' in page
    # The resident removes 陽翔 (not applying): 結衣's marks move to the first entry.
    posted = {
        "children.count": "2",
        "children[0].child.name.family": "𠮷田",
        "children[0].child.name.given": "陽翔",
        "children[0].child.name_kana.family": "ヨシダ",
        "children[0].child.name_kana.given": "ハルト",
        "children[0].child.birth_date": "2019-06-01",
        "children[1].child.name.family": "𠮷田",
        "children[1].child.name.given": "結衣",
        "children[1].child.name_kana.family": "ヨシダ",
        "children[1].child.name_kana.given": "ユイ",
        "children[1].child.birth_date": "2023-02-14",
        "_remove_entry": "children[0]",
    }
    client.post(url, posted)
    childcare.refresh_from_db()
    assert [c["child.name"] for c in childcare.raw_answers["children"]] == [YUI]
    sources = _sources(childcare)
    assert sources["children[0].child.name"].value == YUI
    assert not any(code.startswith("children[1]") for code in sources)
    # Not locked: the resident may add a child the registry does not list.
    response = client.post(
        url,
        {
            "children.count": "1",
            "children[0].child.name.family": "𠮷田",
            "children[0].child.name.given": "結衣",
            "children[0].child.name_kana.family": "ヨシダ",
            "children[0].child.name_kana.given": "ユイ",
            "children[0].child.birth_date": "2023-02-14",
            "_add_entry": "children",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert 'name="children[1].child.name.family"' in response.content.decode()


def test_fetching_keeps_what_the_resident_typed_for_the_same_child_and_for_others(
    client, childcare
):
    client.post(
        f"/apply/{childcare.public_id}/children/",
        {
            "children.count": "2",
            "children[0].child.name.family": "𠮷田",
            "children[0].child.name.given": "結衣",
            "children[0].child.health": "卵アレルギー",
            "children[1].child.name.family": "山田",
            "children[1].child.name.given": "一郎",
            "children[1].child.birth_date": "2022-05-05",
            "_action": "later",
        },
    )
    _fetch(client, childcare)
    children = childcare.raw_answers["children"]
    assert [c["child.name"] for c in children] == [
        HARUTO,
        YUI,
        {"family": "山田", "given": "一郎"},
    ]
    assert children[1]["child.health"] == "卵アレルギー"
    assert children[1]["child.birth_date"] == "2023-02-14"
    # The typed child the registry does not list has no source mark.
    assert not any(code.startswith("children[2]") for code in _sources(childcare))


def test_a_holder_without_the_list_leaves_the_group_to_the_resident(client, disaster):
    from madoguchi.linkage.models import AccessRule

    rule = AccessRule.objects.get(requester="131016-bousai", holder="131016-jumin")
    rule.items = [i for i in rule.items if i != "jumin.household_members"]
    rule.save()
    response = client.post(
        f"/apply/{disaster.public_id}/prefill/", {"_action": "fetch"}, follow=True
    )
    assert "取得できませんでした" in response.content.decode()
    assert ExchangeRecord.objects.filter(outcome="denied", side="requester").count() == 1
    page = client.get(f"/apply/{disaster.public_id}/household/").content.decode()
    assert 'name="household.members[0].member.name.family"' in page


def test_the_locked_group_is_signed_received_and_staff_see_which_cells_were_fetched(
    client, disaster
):
    _fetch(client, disaster)
    for page_id, data in journey.PAGES.items():
        payload: dict[str, object] = {**data, "_action": "next"}
        if page_id == "household":
            # The post carries no name (they are text); the resident answers the relationship.
            payload = {
                "household.members.count": "3",
                "household.members[0].member.relationship": "妻",
                "household.members[1].member.relationship": "子",
                "household.members[2].member.relationship": "子",
                "_action": "next",
            }
        if page_id == "attachments":
            payload["attachments.photos"] = journey.photo()
        response = client.post(journey.page_url(disaster, page_id), payload)
        assert response.status_code == 302, (page_id, response.content.decode()[-3000:])
    check = client.get(f"/apply/{disaster.public_id}/check/").content.decode()
    assert "結衣" in check
    response = client.post(f"/apply/{disaster.public_id}/sign/", {"pin": DEMO_SIGN_PIN})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert arrival_work_one() is not None
    disaster.refresh_from_db()
    assert disaster.receipt_number
    staff = Client()
    staff_login(staff, "chiyoda-worker")
    html = staff.get(f"/staff/reception/applications/{disaster.receipt_number}/").content.decode()
    assert "情報連携で取得した回答" in html
    assert "household.members[2].member.name" in html
    history = client.get("/apply/mypage/exchanges/").content.decode()
    assert "本人以外の世帯員" in history


def test_my_information_lists_the_household_as_the_registry_has_it(client, disaster):
    text = client.post("/apply/mypage/information/", {"category": ["resident"]}).content.decode()
    children = text[text.index("世帯の児童") :].split("</dd>")[0]
    assert "𠮷田　陽翔" in children and "ヨシダ　ハルト" in children and "結衣" in children
    assert "花子" not in children  # an adult: in the members' list only
    members = text[text.index("本人以外の世帯員") :].split("</dd>")[0]
    assert "花子" in members and "妻" in members
