"""Adopt, customise, publish, rebase: the services other apps and the staff pages call."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from django.core.management import call_command

from madoguchi.audit.models import AuditEvent
from madoguchi.forms import presets, selectors, services
from madoguchi.forms.models import FormVersion, ImmutableFormVersionError, content_hash
from madoguchi.forms.overlay import OverlayError

from .conftest import CHIYODA

pytestmark = pytest.mark.django_db


def test_adopt_is_idempotent_and_audited(editor, disaster_form):
    again = services.form_adopt_preset(
        municipality_code=CHIYODA, procedure_code="disaster-certificate", actor=editor
    )
    assert again.pk == disaster_form.pk
    events = AuditEvent.objects.filter(action="forms.preset_adopted")
    assert events.count() == 1
    assert events.get().municipality_code == CHIYODA


def test_a_prefectural_preset_cannot_be_adopted_by_a_municipality(editor):
    with pytest.raises(services.FormServiceError, match="都道府県"):
        services.form_adopt_preset(
            municipality_code=CHIYODA, procedure_code="vehicle-garage-certificate", actor=editor
        )


def test_relabel_help_add_item_and_publish(editor, disaster_form):
    services.form_item_customise(
        municipal_form=disaster_form,
        item_code="disaster.date",
        label="被災した日",
        help_text="わかる範囲で入力してください。",
        hidden=False,
        actor=editor,
    )
    item = services.new_local_item(
        code_suffix="parking",
        type_key="radio",
        label="駐車場の被害はありますか",
        help_text="",
        required=True,
        options=["ある", "ない"],
    )
    services.form_item_add(
        municipal_form=disaster_form, page_id="disaster", item=item, actor=editor
    )
    version = services.form_publish(municipal_form=disaster_form, actor=editor)
    index = {i["code"]: i for p in version.definition["pages"] for i in p["items"]}
    assert index["disaster.date"]["label"] == "被災した日"
    assert index["disaster.date"]["help"] == "わかる範囲で入力してください。"
    assert index["local.parking"]["local"] is True
    assert version.content_hash == content_hash(version.definition)
    assert version.number == 1
    assert AuditEvent.objects.filter(
        action="forms.version_published", object_id=str(version.pk)
    ).exists()
    assert (
        selectors.published_form_version_for(
            municipality_code=CHIYODA, procedure_code="disaster-certificate"
        )
        == version
    )
    assert selectors.form_version_get(form_version_id=str(version.pk)) == version


def test_required_standard_items_cannot_be_hidden(editor, disaster_form):
    with pytest.raises(OverlayError) as error:
        services.form_item_customise(
            municipal_form=disaster_form,
            item_code="disaster.cause",
            label="罹災原因",
            help_text="",
            hidden=True,
            actor=editor,
        )
    assert "必須" in error.value.messages[0] and "罹災原因" in error.value.messages[0]
    with pytest.raises(OverlayError, match="標準"):
        services.form_item_remove_local(
            municipal_form=disaster_form, item_code="disaster.cause", actor=editor
        )


def test_optional_items_can_be_hidden_and_disappear(editor, disaster_form):
    services.form_item_customise(
        municipal_form=disaster_form,
        item_code="applicant.email",
        label="メールアドレス",
        help_text="",
        hidden=True,
        actor=editor,
    )
    definition = selectors.form_draft_definition(municipal_form=disaster_form)
    codes = {i["code"] for p in definition["pages"] for i in p["items"]}
    assert "applicant.email" not in codes


def test_an_item_deciding_visibility_cannot_be_hidden(editor):
    municipal_form = services.form_adopt_preset(
        municipality_code=CHIYODA, procedure_code="care-cost-limit", actor=editor
    )
    with pytest.raises(OverlayError, match="表示"):
        services.form_item_customise(
            municipal_form=municipal_form,
            item_code="facility.name",
            label="施設名",
            help_text="",
            hidden=True,
            actor=editor,
        )


def test_added_items_cannot_take_a_standard_code(editor, disaster_form):
    item: Any = {"code": "applicant.name", "type": "text", "label": "x"}
    with pytest.raises(OverlayError, match=r"local\."):
        services.form_item_add(
            municipal_form=disaster_form, page_id="disaster", item=item, actor=editor
        )
    dup = services.new_local_item(
        code_suffix="x", type_key="text", label="x", help_text="", required=False, options=[]
    )
    services.form_item_add(municipal_form=disaster_form, page_id="disaster", item=dup, actor=editor)
    with pytest.raises(OverlayError, match="既に"):
        services.form_item_add(
            municipal_form=disaster_form, page_id="disaster", item=dup, actor=editor
        )


def test_attachment_requirement_adds_an_attachments_page(editor):
    municipal_form = services.form_adopt_preset(
        municipality_code=CHIYODA, procedure_code="care-cost-share-reissue", actor=editor
    )
    item = services.new_local_item(
        code_suffix="id_copy",
        type_key="file",
        label="本人確認書類の写し",
        help_text="",
        required=True,
        options=[],
    )
    services.form_item_add(
        municipal_form=municipal_form, page_id="attachments", item=item, actor=editor
    )
    definition = selectors.form_draft_definition(municipal_form=municipal_form)
    page_ids = [p["id"] for p in definition["pages"]]
    assert page_ids[-2:] == ["attachments", "confirm"]


def test_notes_are_part_of_the_published_definition(editor, disaster_form):
    services.form_notes_set(
        municipal_form=disaster_form,
        notes={"contact": "千代田区 防災課", "fees": "無料", "deadlines": ""},
        actor=editor,
    )
    version = services.form_publish(municipal_form=disaster_form, actor=editor)
    assert version.definition["notes"] == {"contact": "千代田区 防災課", "fees": "無料"}


def test_published_versions_are_immutable(editor, disaster_form):
    version = services.form_publish(municipal_form=disaster_form, actor=editor)
    version.definition["title"] = "改ざん"
    with pytest.raises(ImmutableFormVersionError):
        version.save()
    with pytest.raises(ImmutableFormVersionError):
        FormVersion.objects.filter(pk=version.pk).update(content_hash="0" * 64)
    with pytest.raises(ImmutableFormVersionError):
        FormVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ImmutableFormVersionError):
        version.delete()
    stored = FormVersion.objects.get(pk=version.pk)
    assert stored.hash_is_intact()
    forged = FormVersion(
        municipal_form=disaster_form,
        municipality_id=CHIYODA,
        procedure_code="disaster-certificate",
        number=9,
        preset_version=1,
        definition={"x": 1},
        content_hash="0" * 64,
    )
    with pytest.raises(ImmutableFormVersionError):
        forged.save()


def test_editing_the_draft_leaves_the_published_version_alone(editor, disaster_form):
    version = services.form_publish(municipal_form=disaster_form, actor=editor)
    before = (version.content_hash, copy.deepcopy(version.definition))
    services.form_item_customise(
        municipal_form=disaster_form,
        item_code="disaster.cause",
        label="災害の種類",
        help_text="",
        hidden=False,
        actor=editor,
    )
    stored = FormVersion.objects.get(pk=version.pk)
    assert (stored.content_hash, stored.definition) == before
    assert services.form_publish(municipal_form=disaster_form, actor=editor).number == 2


def test_publishing_unchanged_content_returns_the_same_version(editor, disaster_form):
    first = services.form_publish(municipal_form=disaster_form, actor=editor)
    second = services.form_publish(municipal_form=disaster_form, actor=editor)
    assert first.pk == second.pk
    assert FormVersion.objects.count() == 1


def test_a_newer_preset_is_announced_and_can_be_rebased(editor, disaster_form, monkeypatch):
    services.form_item_customise(
        municipal_form=disaster_form,
        item_code="disaster.date",
        label="被災した日",
        help_text="",
        hidden=False,
        actor=editor,
    )
    services.form_item_customise(
        municipal_form=disaster_form,
        item_code="applicant.email",
        label="メールアドレス",
        help_text="",
        hidden=True,
        actor=editor,
    )
    published = services.form_publish(municipal_form=disaster_form, actor=editor)
    original = presets.preset_get("disaster-certificate")
    assert original is not None
    newer_definition = copy.deepcopy(original.definition)
    newer_definition["preset_version"] = original.definition["preset_version"] + 1
    # The national side made e-mail required and added an item.
    for page in newer_definition["pages"]:
        for item in page["items"]:
            if item["code"] == "applicant.email":
                item["required"] = True
    newer_definition["pages"][1]["items"].append(
        {
            "code": "disaster.insurance",
            "type": "radio",
            "label": "火災保険・共済への加入",
            "options": [
                {"value": "yes", "label": "加入している"},
                {"value": "no", "label": "加入していない"},
            ],
        }
    )
    newer = dataclasses.replace(original, definition=newer_definition)
    monkeypatch.setattr(
        presets, "preset_get", lambda code: newer if code == "disaster-certificate" else original
    )
    assert selectors.form_preset_update_available(municipal_form=disaster_form)
    # Nothing changed silently.
    assert FormVersion.objects.get(pk=published.pk).content_hash == published.content_hash
    notices = services.form_rebase(municipal_form=disaster_form, actor=editor)
    assert any("メールアドレス" in n for n in notices)
    disaster_form.refresh_from_db()
    assert disaster_form.base_version == newer_definition["preset_version"]
    assert not selectors.form_preset_update_available(municipal_form=disaster_form)
    draft = selectors.form_draft_definition(municipal_form=disaster_form)
    index = {i["code"]: i for p in draft["pages"] for i in p["items"]}
    assert index["disaster.date"]["label"] == "被災した日"
    assert "disaster.insurance" in index and "applicant.email" in index
    version = services.form_publish(municipal_form=disaster_form, actor=editor)
    assert version.number == 2 and version.preset_version == newer_definition["preset_version"]


def test_forms_publish_demo_is_idempotent(demo):
    call_command("forms_publish_demo")
    count = FormVersion.objects.count()
    assert count == 32
    events = AuditEvent.objects.count()
    call_command("forms_publish_demo")
    assert FormVersion.objects.count() == count
    assert AuditEvent.objects.count() == events
    assert (
        selectors.published_form_version_for(
            municipality_code="130001", procedure_code="vehicle-garage-certificate"
        )
        is not None
    )
    assert (
        selectors.published_form_version_for(
            municipality_code=CHIYODA, procedure_code="vehicle-garage-certificate"
        )
        is None
    )
