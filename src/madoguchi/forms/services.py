"""Writes of forms: adopt a preset, customise the draft, publish, rebase onto a newer preset.

Every customisation is checked by resolving the overlay before it is saved, so a draft is
always publishable, and staff hear about a mistake at the field that caused it.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from madoguchi.audit.services import audit_record
from madoguchi.forms import overlay as overlays
from madoguchi.forms import presets
from madoguchi.forms.language import Item, Notes
from madoguchi.forms.models import FormVersion, MunicipalForm, content_hash
from madoguchi.forms.overlay import Overlay, OverlayError
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.types import Kind

Actor = AbstractBaseUser | AnonymousUser | None


class FormServiceError(ValueError):
    """A request the forms app refuses, with a Japanese message for the person who made it."""


def _actor_label(actor: Actor) -> str:
    return actor.get_username() if actor is not None and actor.is_authenticated else "system"


@transaction.atomic
def form_adopt_preset(
    *, municipality_code: str, procedure_code: str, actor: Actor
) -> MunicipalForm:
    """Start a municipality's form from the standard preset (idempotent: adopting twice returns
    the existing draft untouched)."""
    preset = presets.preset_get(procedure_code)
    if preset is None:
        raise FormServiceError(_("There is no standard form for this procedure."))
    municipality = municipality_selectors.municipality_get(code=municipality_code)
    if municipality is None:
        raise FormServiceError(_("Unknown local government."))
    is_prefecture = municipality.kind == Kind.PREFECTURE
    if (preset.level == "prefectural") != is_prefecture:
        raise FormServiceError(
            _("This procedure belongs to prefectures.")
            if preset.level == "prefectural"
            else _("This procedure belongs to municipalities.")
        )
    existing = MunicipalForm.objects.filter(
        municipality=municipality, procedure_code=procedure_code
    ).first()
    if existing is not None:
        return existing
    municipal_form = MunicipalForm.objects.create(
        municipality=municipality,
        procedure_code=procedure_code,
        base_definition=copy.deepcopy(preset.definition),
        base_version=preset.version,
        overlay={},
    )
    audit_record(
        action="forms.preset_adopted",
        actor=actor,
        municipality_code=municipality_code,
        object_type="forms.municipal_form",
        object_id=str(municipal_form.pk),
        data={"procedure_code": procedure_code, "preset_version": preset.version},
    )
    return municipal_form


def _save_overlay(municipal_form: MunicipalForm, new_overlay: Overlay) -> MunicipalForm:
    overlays.resolve(municipal_form.base_definition, new_overlay)  # raises OverlayError
    municipal_form.overlay = dict(new_overlay)
    municipal_form.save(update_fields=["overlay", "updated_at"])
    return municipal_form


def _item_or_error(municipal_form: MunicipalForm, item_code: str) -> Item:
    definition = overlays.resolve(
        municipal_form.base_definition, overlays.with_hidden_shown(municipal_form.overlay)
    )
    item = overlays.item_in(definition, item_code)
    if item is None:
        raise OverlayError([_("This form has no item %(code)s.") % {"code": item_code}])
    return item


@transaction.atomic
def form_item_customise(
    *,
    municipal_form: MunicipalForm,
    item_code: str,
    label: str,
    help_text: str,
    hidden: bool,
    actor: Actor,
    public_funds: bool | None = None,
) -> MunicipalForm:
    """Relabel an item, change its help text, hide or show it (optional items only); for a
    `bank_account` item, `public_funds` switches 「公金受取口座を利用する」 on or off (None:
    unchanged)."""
    item = _item_or_error(municipal_form, item_code)
    new: Overlay = copy.deepcopy(municipal_form.overlay)
    is_local = bool(item.get("local"))
    if is_local:
        for entry in new.get("added_items", []):
            if entry["item"]["code"] == item_code:
                entry["item"]["label"] = label
                if help_text:
                    entry["item"]["help"] = help_text
                else:
                    entry["item"].pop("help", None)
    else:
        standard = overlays.item_in(municipal_form.base_definition, item_code)
        assert standard is not None
        labels = new.setdefault("labels", {})
        if label == standard["label"]:
            labels.pop(item_code, None)
        else:
            labels[item_code] = label
        helps = new.setdefault("help", {})
        if help_text == standard.get("help", ""):
            helps.pop(item_code, None)
        else:
            helps[item_code] = help_text
    if public_funds is not None and item["type"] == "bank_account":
        _public_funds_set(new, municipal_form, item_code, on=public_funds, is_local=is_local)
    hidden_codes = [c for c in new.get("hidden", []) if c != item_code]
    if hidden:
        hidden_codes.append(item_code)
    new["hidden"] = hidden_codes
    return _save_overlay(municipal_form, new)


def _public_funds_set(
    new: Overlay, municipal_form: MunicipalForm, item_code: str, *, on: bool, is_local: bool
) -> None:
    if is_local:
        for entry in new.get("added_items", []):
            if entry["item"]["code"] == item_code:
                if on:
                    entry["item"]["public_funds"] = True
                else:
                    entry["item"].pop("public_funds", None)
        return
    standard = overlays.item_in(municipal_form.base_definition, item_code)
    assert standard is not None
    switches = new.setdefault("public_funds", {})
    if on == bool(standard.get("public_funds")):
        switches.pop(item_code, None)
    else:
        switches[item_code] = on
    if not switches:
        new.pop("public_funds", None)


@transaction.atomic
def form_item_add(
    *, municipal_form: MunicipalForm, page_id: str, item: Item, actor: Actor
) -> MunicipalForm:
    """Add a municipality's own item (code under local.) at the end of a page."""
    new: Overlay = copy.deepcopy(municipal_form.overlay)
    new.setdefault("added_items", []).append({"page": page_id, "item": item})
    return _save_overlay(municipal_form, new)


@transaction.atomic
def form_item_remove_local(
    *, municipal_form: MunicipalForm, item_code: str, actor: Actor
) -> MunicipalForm:
    """Remove an item the municipality added. Standard items cannot be removed, only optional
    ones hidden."""
    new: Overlay = copy.deepcopy(municipal_form.overlay)
    before = new.get("added_items", [])
    new["added_items"] = [e for e in before if e["item"]["code"] != item_code]
    if len(new["added_items"]) == len(before):
        raise OverlayError(
            [_("Standard items cannot be removed. Optional items can be hidden instead.")]
        )
    return _save_overlay(municipal_form, new)


@transaction.atomic
def form_notes_set(*, municipal_form: MunicipalForm, notes: Notes, actor: Actor) -> MunicipalForm:
    """Contact, fees and deadlines shown with the form."""
    new: Overlay = copy.deepcopy(municipal_form.overlay)
    cleaned = {k: str(v).strip() for k, v in notes.items() if v and str(v).strip()}
    new["notes"] = cast(Notes, cleaned)
    return _save_overlay(municipal_form, new)


@transaction.atomic
def form_publish(*, municipal_form: MunicipalForm, actor: Actor) -> FormVersion:
    """Resolve the draft into an immutable, content-hashed FormVersion.

    Publishing content identical to the newest version returns that version instead of a copy,
    so a repeated publish (or `forms_publish_demo`) changes nothing.
    """
    locked = MunicipalForm.objects.select_for_update().get(pk=municipal_form.pk)
    definition = overlays.resolve(locked.base_definition, locked.overlay)
    digest = content_hash(definition)
    latest = locked.versions.order_by("-number").first()
    if latest is not None and latest.content_hash == digest:
        _offer_online(latest)
        return latest
    version = FormVersion(
        municipal_form=locked,
        municipality_id=locked.municipality_id,
        procedure_code=locked.procedure_code,
        number=(latest.number + 1) if latest else 1,
        preset_version=locked.base_version,
        definition=definition,
        content_hash=digest,
        published_by=_actor_label(actor),
    )
    version.save()
    audit_record(
        action="forms.version_published",
        actor=actor,
        municipality_code=locked.municipality_id,
        object_type="forms.form_version",
        object_id=str(version.pk),
        data={
            "procedure_code": locked.procedure_code,
            "number": version.number,
            "content_hash": digest,
            "preset_version": locked.base_version,
        },
    )
    _offer_online(version)
    return version


def _offer_online(version: FormVersion) -> None:
    """Publishing is what makes a procedure applicable online: the catalog offering now points
    at this version (in the same transaction, so search never shows a form that does not exist).
    """
    from madoguchi.catalog.services import offering_set_online

    offering_set_online(
        municipality_code=version.municipality_id,
        procedure_code=version.procedure_code,
        form_version_ref=str(version.pk),
    )


@transaction.atomic
def form_rebase(*, municipal_form: MunicipalForm, actor: Actor) -> list[str]:
    """Move the draft onto the newest preset, keeping what still applies. Returns notices
    (Japanese) about customisations that could not carry over. Published versions are not
    touched: staff publish again when they are satisfied."""
    preset = presets.preset_get(municipal_form.procedure_code)
    if preset is None or preset.version <= municipal_form.base_version:
        return []
    new_overlay, notices = overlays.rebase(
        municipal_form.overlay,
        preset.definition,
    )
    overlays.resolve(preset.definition, new_overlay)
    previous = municipal_form.base_version
    municipal_form.base_definition = copy.deepcopy(preset.definition)
    municipal_form.base_version = preset.version
    municipal_form.overlay = dict(new_overlay)
    municipal_form.save(update_fields=["base_definition", "base_version", "overlay", "updated_at"])
    audit_record(
        action="forms.rebased",
        actor=actor,
        municipality_code=municipal_form.municipality_id,
        object_type="forms.municipal_form",
        object_id=str(municipal_form.pk),
        data={
            "procedure_code": municipal_form.procedure_code,
            "from_preset_version": previous,
            "to_preset_version": preset.version,
        },
    )
    return notices


def new_local_item(
    *,
    code_suffix: str,
    type_key: str,
    label: str,
    help_text: str,
    required: bool,
    options: list[str],
) -> Item:
    """An Item for form_item_add from what a staff member typed (options one per line)."""
    item: dict[str, Any] = {
        "code": f"{overlays.LOCAL_PREFIX}{code_suffix}",
        "type": type_key,
        "label": label,
        "required": required,
    }
    if help_text:
        item["help"] = help_text
    if options:
        item["options"] = [
            {"value": f"o{i}", "label": text} for i, text in enumerate(options, start=1)
        ]
    if type_key == "guidance":
        item.pop("required")
    return cast(Item, item)
