"""Staff pages at /staff/forms/: adopt a preset, customise, preview, publish, rebase.

Plain forms with POST/redirect/GET, so they work without JavaScript. Every view is scoped by
the municipalities where the user is an administrator or form editor; anything else is a 404,
so a form editor of another municipality cannot even learn what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.accounts.selectors import municipality_codes_for
from madoguchi.accounts.staff_auth import staff_required
from madoguchi.accounts.types import Role
from madoguchi.catalog import selectors as catalog_selectors
from madoguchi.catalog import services as catalog_services
from madoguchi.forms import overlay as overlays
from madoguchi.forms import presets, selectors, services
from madoguchi.forms.language import Definition, Item
from madoguchi.forms.models import FormVersion, MunicipalForm, content_hash
from madoguchi.forms.overlay import OverlayError, item_in
from madoguchi.forms.staff_forms import (
    ApplicationLimitForm,
    ItemAddForm,
    ItemEditForm,
    NotesForm,
    RetentionForm,
)
from madoguchi.forms.translations import item_translations
from madoguchi.linkage import catalogue as linkage_catalogue
from madoguchi.municipalities import selectors as municipality_selectors
from madoguchi.municipalities.types import Kind

if TYPE_CHECKING:
    from madoguchi.municipalities.models import Municipality

EDITOR_ROLES = [Role.ADMIN, Role.FORM_EDITOR]


def _codes(request: HttpRequest) -> set[str]:
    return municipality_codes_for(user=request.user, roles=EDITOR_ROLES)


def _municipality(request: HttpRequest, municipality_code: str) -> Municipality:
    if municipality_code not in _codes(request):
        raise Http404
    municipality = municipality_selectors.municipality_get(code=municipality_code)
    if municipality is None:
        raise Http404
    return municipality


def _form(request: HttpRequest, municipality_code: str, procedure_code: str) -> MunicipalForm:
    _municipality(request, municipality_code)
    municipal_form = selectors.municipal_form_get(
        municipality_code=municipality_code, procedure_code=procedure_code
    )
    if municipal_form is None:
        raise Http404
    return municipal_form


def _detail_url(municipal_form: MunicipalForm) -> str:
    return reverse(
        "forms:detail", args=[municipal_form.municipality_id, municipal_form.procedure_code]
    )


@dataclass
class Row:
    preset: presets.Preset
    municipal_form: MunicipalForm | None
    latest: FormVersion | None
    update_available: bool


@staff_required
@require_http_methods(["GET"])
def form_list(request: HttpRequest) -> HttpResponse:
    codes = _codes(request)
    if not codes:
        raise PermissionDenied
    forms_by_key = {
        (f.municipality_id, f.procedure_code): f
        for f in selectors.municipal_form_list(municipality_codes=codes)
    }
    sections = []
    for code in sorted(codes):
        municipality = municipality_selectors.municipality_get(code=code)
        if municipality is None:
            continue
        level = "prefectural" if municipality.kind == Kind.PREFECTURE else "municipal"
        rows = []
        for preset in presets.preset_all().values():
            if preset.level != level:
                continue
            municipal_form = forms_by_key.get((code, preset.procedure_code))
            rows.append(
                Row(
                    preset=preset,
                    municipal_form=municipal_form,
                    latest=selectors.published_form_version_for(
                        municipality_code=code, procedure_code=preset.procedure_code
                    )
                    if municipal_form
                    else None,
                    update_available=bool(municipal_form)
                    and selectors.form_preset_update_available(municipal_form=municipal_form),  # type: ignore[arg-type]
                )
            )
        sections.append({"municipality": municipality, "rows": rows})
    return render(request, "madoguchi_forms/staff/list.html", {"sections": sections})


@staff_required
@require_POST
def form_adopt(request: HttpRequest, municipality_code: str, procedure_code: str) -> HttpResponse:
    _municipality(request, municipality_code)
    try:
        municipal_form = services.form_adopt_preset(
            municipality_code=municipality_code, procedure_code=procedure_code, actor=request.user
        )
    except services.FormServiceError as error:
        messages.error(request, str(error))
        return redirect("forms:list")
    messages.success(request, _("The standard form was adopted. Customise it, then publish."))
    return redirect(_detail_url(municipal_form))


def _item_rows(definition: Definition, hidden: set[str]) -> list[dict[str, Any]]:
    pages = []
    for page in definition["pages"]:
        rows = []
        for item in page["items"]:
            rows.append(
                {"item": item, "hidden": item["code"] in hidden, "source": _source_text(item)}
            )
            fields = dict(item.get("source", {}).get("fields", {}))
            for child in item.get("items", []):
                row_field = fields.get(child["code"], "")
                rows.append(
                    {
                        "item": child,
                        "hidden": child["code"] in hidden,
                        "source": _source_text(item, row_field=row_field) if row_field else "",
                    }
                )
        pages.append({"page": page, "rows": rows})
    return pages


def _source_text(item: Item, *, row_field: str = "") -> str:
    """The 「情報連携」 column: where the item's answer can be fetched from (docs/forms.md);
    with `row_field`, for an item of the group `item` that the group's source fills."""
    source = item.get("source")
    spec = linkage_catalogue.item_get(source["item"]) if source else None
    if source is None or spec is None:
        return ""
    if row_field:
        return _("%(source)s: %(field)s of each person") % {
            "source": spec.label,
            "field": linkage_catalogue.ROW_FIELD_LABELS.get(row_field, row_field),
        }
    text = _("%(holder)s: %(item)s") % {
        "holder": linkage_catalogue.holder_name(spec),
        "item": spec.label,
    }
    if source.get("locked"):
        text += _(" (cannot be changed)")
    return text


def _current_limit(municipal_form: MunicipalForm) -> str:
    offering = catalog_selectors.offering_get(
        municipality_code=municipal_form.municipality_id,
        procedure_code=municipal_form.procedure_code,
    )
    return offering.application_limit if offering is not None else ""


def _retention_form(municipal_form: MunicipalForm, data: Any = None) -> RetentionForm:
    offering = catalog_selectors.offering_get(
        municipality_code=municipal_form.municipality_id,
        procedure_code=municipal_form.procedure_code,
    )
    procedure = catalog_selectors.procedure_get(code=municipal_form.procedure_code)
    return RetentionForm(
        data,
        prefix="retention",
        standard=procedure.retention_years if procedure is not None else 5,
        initial={"years": offering.retention_years if offering is not None else None},
    )


def _detail(
    request: HttpRequest,
    municipal_form: MunicipalForm,
    limit_form: ApplicationLimitForm,
    retention_form: RetentionForm | None = None,
) -> HttpResponse:
    overlay = municipal_form.overlay
    # Staff see hidden items too (marked), so they can show them again.
    everything = overlays.resolve(
        municipal_form.base_definition, overlays.with_hidden_shown(overlay)
    )
    versions = list(municipal_form.versions.order_by("-number")[:10])
    draft = selectors.form_draft_definition(municipal_form=municipal_form)
    latest = versions[0] if versions else None

    return render(
        request,
        "madoguchi_forms/staff/detail.html",
        {
            "municipal_form": municipal_form,
            "preset": presets.preset_get(municipal_form.procedure_code),
            "pages": _item_rows(everything, set(overlay.get("hidden", []))),
            "versions": versions,
            "draft_differs": latest is None or latest.content_hash != content_hash(draft),
            "update_available": selectors.form_preset_update_available(
                municipal_form=municipal_form
            ),
            "notes": draft.get("notes", {}),
            "limit_form": limit_form,
            "retention_form": retention_form or _retention_form(municipal_form),
        },
    )


@staff_required
@require_http_methods(["GET"])
def form_detail(request: HttpRequest, municipality_code: str, procedure_code: str) -> HttpResponse:
    municipal_form = _form(request, municipality_code, procedure_code)
    limit_form = ApplicationLimitForm(current=_current_limit(municipal_form))
    return _detail(request, municipal_form, limit_form)


@staff_required
@require_POST
def form_limit(request: HttpRequest, municipality_code: str, procedure_code: str) -> HttpResponse:
    """One application per resident or household (benefit campaigns), or no limit."""
    municipal_form = _form(request, municipality_code, procedure_code)
    limit_form = ApplicationLimitForm(request.POST, current=_current_limit(municipal_form))
    if limit_form.is_valid():
        try:
            catalog_services.offering_limit_set(
                municipality_code=municipality_code,
                procedure_code=procedure_code,
                limit=limit_form.cleaned_data["limit"],
                actor=request.user,
            )
        except catalog_services.OfferingError as error:
            limit_form.add_error("limit", str(error))
        else:
            messages.success(
                request,
                _("The conditions were saved. They apply to applications received from now on."),
            )
            return redirect(_detail_url(municipal_form))
    return _detail(request, municipal_form, limit_form)


@staff_required
@require_POST
def form_retention(
    request: HttpRequest, municipality_code: str, procedure_code: str
) -> HttpResponse:
    """The municipality's own retention period for this procedure (docs/retention.md)."""
    municipal_form = _form(request, municipality_code, procedure_code)
    retention_form = _retention_form(municipal_form, request.POST)
    if retention_form.is_valid():
        try:
            catalog_services.offering_retention_set(
                municipality_code=municipality_code,
                procedure_code=procedure_code,
                years=retention_form.cleaned_data["years"],
                actor=request.user,
            )
        except catalog_services.OfferingError as error:
            retention_form.add_error("years", str(error))
        else:
            messages.success(request, _("The retention period was saved."))
            return redirect(_detail_url(municipal_form))
    limit_form = ApplicationLimitForm(current=_current_limit(municipal_form))
    return _detail(request, municipal_form, limit_form, retention_form)


@staff_required
@require_http_methods(["GET", "POST"])
def form_item_edit(
    request: HttpRequest, municipality_code: str, procedure_code: str, item_code: str
) -> HttpResponse:
    municipal_form = _form(request, municipality_code, procedure_code)
    everything = overlays.resolve(
        municipal_form.base_definition, overlays.with_hidden_shown(municipal_form.overlay)
    )
    item = item_in(everything, item_code)
    if item is None:
        raise Http404
    can_hide = not item.get("required")
    hidden = item_code in municipal_form.overlay.get("hidden", [])
    is_bank_account = item["type"] == "bank_account"
    initial = {
        "label": item["label"],
        "help": item.get("help", ""),
        "hidden": hidden,
        "public_funds": bool(item.get("public_funds")),
    }
    form = ItemEditForm(
        request.POST or None, initial=initial, can_hide=can_hide, is_bank_account=is_bank_account
    )
    if request.method == "POST" and "remove" in request.POST and item.get("local"):
        try:
            services.form_item_remove_local(
                municipal_form=municipal_form, item_code=item_code, actor=request.user
            )
        except OverlayError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(request, _("The item was removed from the draft."))
        return redirect(_detail_url(municipal_form))
    if request.method == "POST" and form.is_valid():
        try:
            services.form_item_customise(
                municipal_form=municipal_form,
                item_code=item_code,
                label=form.cleaned_data["label"],
                help_text=form.cleaned_data["help"],
                hidden=bool(form.cleaned_data.get("hidden")),
                actor=request.user,
                public_funds=(
                    bool(form.cleaned_data.get("public_funds")) if is_bank_account else None
                ),
            )
        except OverlayError as error:
            for message in error.messages:
                form.add_error("hidden" if can_hide else "label", message)
        else:
            messages.success(request, _("The draft was saved. Publish it to show it to residents."))
            return redirect(_detail_url(municipal_form))
    return render(
        request,
        "madoguchi_forms/staff/item_edit.html",
        {
            "municipal_form": municipal_form,
            "item": item,
            "form": form,
            "can_hide": can_hide,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def form_item_add(
    request: HttpRequest, municipality_code: str, procedure_code: str
) -> HttpResponse:
    municipal_form = _form(request, municipality_code, procedure_code)
    draft = selectors.form_draft_definition(municipal_form=municipal_form)
    pages = [(page["id"], page["title"]) for page in draft["pages"]]
    if not any(page_id == "attachments" for page_id, _title in pages):
        pages.append(("attachments", _("Attachments (new page)")))
    form = ItemAddForm(request.POST or None, pages=pages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = services.new_local_item(
            code_suffix=data["code"],
            type_key=data["type"],
            label=data["label"],
            help_text=data["help"],
            required=data["required"],
            options=data["option_list"],
        )
        if i18n := item_translations(
            cleaned=data, option_values=[o["value"] for o in item.get("options", [])]
        ):
            item["i18n"] = i18n
        try:
            services.form_item_add(
                municipal_form=municipal_form, page_id=data["page"], item=item, actor=request.user
            )
        except OverlayError as error:
            for message in error.messages:
                form.add_error("code", message)
        else:
            messages.success(request, _("The item was added to the draft."))
            return redirect(_detail_url(municipal_form))
    return render(
        request,
        "madoguchi_forms/staff/item_add.html",
        {"municipal_form": municipal_form, "form": form},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def form_notes(request: HttpRequest, municipality_code: str, procedure_code: str) -> HttpResponse:
    municipal_form = _form(request, municipality_code, procedure_code)
    form = NotesForm(request.POST or None, initial=municipal_form.overlay.get("notes", {}))
    if request.method == "POST" and form.is_valid():
        services.form_notes_set(
            municipal_form=municipal_form,
            notes=form.cleaned_data,  # type: ignore[arg-type]
            actor=request.user,
        )
        messages.success(request, _("The draft was saved. Publish it to show it to residents."))
        return redirect(_detail_url(municipal_form))
    return render(
        request,
        "madoguchi_forms/staff/notes.html",
        {"municipal_form": municipal_form, "form": form},
    )


@staff_required
@require_http_methods(["GET"])
def form_preview(request: HttpRequest, municipality_code: str, procedure_code: str) -> HttpResponse:
    municipal_form = _form(request, municipality_code, procedure_code)
    definition = selectors.form_draft_definition(municipal_form=municipal_form)
    return render(
        request,
        "madoguchi_forms/staff/preview.html",
        {
            "municipal_form": municipal_form,
            "definition": definition,
            "municipality": municipal_form.municipality,
        },
    )


@staff_required
@require_POST
def form_publish(request: HttpRequest, municipality_code: str, procedure_code: str) -> HttpResponse:
    municipal_form = _form(request, municipality_code, procedure_code)
    version = services.form_publish(municipal_form=municipal_form, actor=request.user)
    messages.success(request, _("Published as version %(number)s.") % {"number": version.number})
    return redirect(_detail_url(municipal_form))


@staff_required
@require_POST
def form_rebase(request: HttpRequest, municipality_code: str, procedure_code: str) -> HttpResponse:
    municipal_form = _form(request, municipality_code, procedure_code)
    try:
        notices = services.form_rebase(municipal_form=municipal_form, actor=request.user)
    except OverlayError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(municipal_form))
    messages.success(
        request, _("The draft now uses the latest standard form. Check it, then publish.")
    )
    for notice in notices:
        messages.warning(request, notice)
    return redirect(_detail_url(municipal_form))
