"""Reads of forms: published versions (what residents fill and applications pin), municipal
drafts scoped by municipality, validation and JSON Schema export of a version."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext_lazy

from madoguchi.forms import json_export, overlay, presets
from madoguchi.forms.language import Definition
from madoguchi.forms.models import FormVersion, MunicipalForm, content_hash
from madoguchi.forms.validation import ValidationResult, validate_definition_answers


def form_version_get(*, form_version_id: uuid.UUID | str) -> FormVersion | None:
    try:
        key = uuid.UUID(str(form_version_id))
    except ValueError:
        return None
    return FormVersion.objects.filter(pk=key).first()


def form_versions_by_id(*, ids: Iterable[uuid.UUID | str]) -> QuerySet[FormVersion]:
    """These form versions, by procedure and version number."""
    return FormVersion.objects.filter(pk__in=list(ids)).order_by("procedure_code", "number")


def published_form_version_for(
    *, municipality_code: str, procedure_code: str
) -> FormVersion | None:
    """The newest published version of a municipality's form for a procedure."""
    return (
        FormVersion.objects.filter(municipality_id=municipality_code, procedure_code=procedure_code)
        .order_by("-number")
        .first()
    )


def published_form_versions(*, municipality_codes: Iterable[str]) -> QuerySet[FormVersion]:
    return FormVersion.objects.filter(municipality_id__in=list(municipality_codes))


def municipal_form_get(*, municipality_code: str, procedure_code: str) -> MunicipalForm | None:
    return MunicipalForm.objects.filter(
        municipality_id=municipality_code, procedure_code=procedure_code
    ).first()


def municipal_form_list(*, municipality_codes: Iterable[str]) -> QuerySet[MunicipalForm]:
    return MunicipalForm.objects.filter(municipality_id__in=list(municipality_codes))


def form_draft_definition(*, municipal_form: MunicipalForm) -> Definition:
    """The draft as residents would see it if published now (OverlayError if it cannot be)."""
    return overlay.resolve(municipal_form.base_definition, municipal_form.overlay)


def form_preset_update_available(*, municipal_form: MunicipalForm) -> bool:
    """True when the national side published a newer standard form than the draft's base."""
    preset = presets.preset_get(municipal_form.procedure_code)
    return preset is not None and preset.version > municipal_form.base_version


def _definition(form_version: FormVersion | Definition) -> Definition:
    if isinstance(form_version, FormVersion):
        definition: Definition = form_version.definition
        return definition
    return form_version


def form_validate(
    *,
    form_version: FormVersion | Definition,
    answers: Mapping[str, Any],
    page_ids: Iterable[str] | None = None,
) -> ValidationResult:
    """The source of truth for answers: normalised answers keyed by standard item code, and
    errors (path, item code, Japanese message naming the field). Hidden items are neither
    required nor kept. `page_ids` limits the errors to those pages (a multi-page flow)."""
    # Messages name each field in the resident's language (forms.translations; Japanese as is).
    from madoguchi.forms.translations import definition_localise

    definition = definition_localise(_definition(form_version))
    return validate_definition_answers(definition, answers, page_ids=page_ids)


def form_json_schema(*, form_version: FormVersion | Definition) -> dict[str, Any]:
    """JSON Schema (2020-12) of a version's normalised answers."""
    if isinstance(form_version, FormVersion):
        schema = json_export.definition_json_schema(
            form_version.definition, schema_id=f"urn:uuid:{form_version.pk}"
        )
        schema["x-content-hash"] = form_version.content_hash
        return schema
    return json_export.definition_json_schema(form_version, schema_id="urn:madoguchi:preview")


# The API's message for an unknown version lives here so it is translated in this app's catalogue.
FORM_VERSION_NOT_FOUND = gettext_lazy("There is no published form version with this id.")


def form_my_number_value(
    *, form_version: FormVersion | Definition, answers: Mapping[str, Any]
) -> str:
    """The first 個人番号 answered in a top-level my_number item of the form ("" for none)."""
    for page in _definition(form_version).get("pages", []):
        for item in page.get("items", []):
            if item.get("type") == "my_number":
                value = answers.get(item["code"])
                if isinstance(value, str) and value:
                    return value
    return ""


def standard_form_definition(*, procedure_code: str) -> tuple[Definition, str] | None:
    """The definition a municipality publishes when it adopts the standard form unchanged, and
    its content hash (what GET /api/v1/forms/{id} then answers as `content_hash`)."""
    preset = presets.preset_get(procedure_code)
    if preset is None:
        return None
    definition = overlay.resolve(copy.deepcopy(preset.definition), {})
    return definition, content_hash(definition)


def published_version_facts(
    *, municipality_codes: Iterable[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """(municipality, procedure) → the newest published version's id, number and standard item
    codes, and when the first version was published (the open-data catalogue)."""
    facts: dict[tuple[str, str], dict[str, Any]] = {}
    versions = (
        FormVersion.objects.filter(municipality_id__in=list(municipality_codes))
        .order_by("municipality_id", "procedure_code", "number")
        .values_list("id", "municipality_id", "procedure_code", "number", "published_at")
    )
    newest: dict[tuple[str, str], uuid.UUID] = {}
    for version_id, municipality_id, procedure_code, number, published_at in versions:
        key = (municipality_id, procedure_code)
        entry = facts.setdefault(key, {"online_since": published_at})
        entry.update({"id": version_id, "number": number})
        newest[key] = version_id
    definitions = dict(
        FormVersion.objects.filter(pk__in=list(newest.values())).values_list("id", "definition")
    )
    for key, version_id in newest.items():
        facts[key]["item_codes"] = standard_item_codes(definitions.get(version_id) or {})
    return facts


def standard_item_codes(definition: Mapping[str, Any]) -> list[str]:
    """The standard item codes a definition asks for, in order (items a municipality added
    are left out; items of repeatable groups as group.item)."""
    codes: list[str] = []

    def walk(items: Iterable[Mapping[str, Any]], prefix: str) -> None:
        for item in items:
            if item.get("local"):
                continue
            code = f"{prefix}{item['code']}"
            if item.get("items"):
                walk(item["items"], f"{code}.")
            else:
                codes.append(code)

    for page in definition.get("pages", []):
        walk(page.get("items", []), "")
    return codes


def form_versions_changed() -> tuple[int, Any]:
    """How many versions are published and when the newest was (open data's ETag)."""
    stamp = FormVersion.objects.aggregate(n=Count("pk"), latest=Max("published_at"))
    return stamp["n"], stamp["latest"]
