"""General field types: text, numbers, contact details, choices, consent, guidance, groups."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from madoguchi.forms.fieldtypes.base import FieldType, has_control_characters, invalid, register
from madoguchi.forms.types import Item


def _length_checks(item: Item, value: str) -> None:
    rules = item.get("validators", {})
    label = item["label"]
    if "max_length" in rules and len(value) > rules["max_length"]:
        raise invalid(
            "max_length",
            ngettext(
                "%(label)s must be at most %(max)s character.",
                "%(label)s must be at most %(max)s characters.",
                rules["max_length"],
            )
            % {"label": label, "max": rules["max_length"]},
        )
    if "min_length" in rules and len(value) < rules["min_length"]:
        raise invalid(
            "min_length",
            ngettext(
                "%(label)s must be at least %(min)s character.",
                "%(label)s must be at least %(min)s characters.",
                rules["min_length"],
            )
            % {"label": label, "min": rules["min_length"]},
        )


def _length_schema(item: Item, default_max: int) -> dict[str, Any]:
    rules = item.get("validators", {})
    schema: dict[str, Any] = {"type": "string", "maxLength": rules.get("max_length", default_max)}
    if "min_length" in rules:
        schema["minLength"] = rules["min_length"]
    return schema


@register
class TextType(FieldType):
    """One line of free text, stored as typed (surrounding whitespace trimmed, nothing else:
    addresses and names of places must not be folded)."""

    key = "text"
    allowed_validators = frozenset({"min_length", "max_length", "digits"})
    default_max_length: ClassVar[int] = 200
    allow_newlines: ClassVar[bool] = False

    def parse(self, item: Item, raw: Any) -> Any:
        if not isinstance(raw, str):
            raise invalid("type", _("Enter %(label)s as text.") % {"label": item["label"]})
        value = raw.strip()
        if item.get("validators", {}).get("digits"):
            # Numbers printed on cards (被保険者番号, 受給者番号): full-width digits are the
            # same number, so they are folded here, and only here.
            value = unicodedata.normalize("NFKC", value).replace("-", "").replace(" ", "")
            if not (value.isascii() and value.isdigit()):
                raise invalid(
                    "digits", _("Enter %(label)s in digits only.") % {"label": item["label"]}
                )
        if has_control_characters(value, allow_newlines=self.allow_newlines):
            raise invalid(
                "control_characters",
                _("%(label)s contains characters that cannot be used.") % {"label": item["label"]},
            )
        if "max_length" not in item.get("validators", {}) and len(value) > self.default_max_length:
            raise invalid(
                "max_length",
                ngettext(
                    "%(label)s must be at most %(max)s character.",
                    "%(label)s must be at most %(max)s characters.",
                    self.default_max_length,
                )
                % {"label": item["label"], "max": self.default_max_length},
            )
        _length_checks(item, value)
        return value

    def json_schema(self, item: Item) -> dict[str, Any]:
        schema = _length_schema(item, self.default_max_length)
        if item.get("validators", {}).get("digits"):
            schema["pattern"] = "^[0-9]*$"
        return schema


@register
class TextareaType(TextType):
    key = "textarea"
    template_name = "madoguchi_forms/widgets/textarea.html"
    default_max_length = 2000
    allow_newlines = True


_NUMBER = re.compile(r"^-?\d+$")


@register
class NumberType(FieldType):
    """A whole number (amounts in yen, counts of people): JSON integers only, so no rounding."""

    key = "number"
    inputmode = "numeric"
    allowed_validators = frozenset({"minimum", "maximum"})

    def parse(self, item: Item, raw: Any) -> Any:
        label = item["label"]
        if isinstance(raw, bool):
            raise invalid(
                "type", _("Enter %(label)s as a whole number, such as 3.") % {"label": label}
            )
        if isinstance(raw, int):
            value = raw
        else:
            text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
            text = text.replace("−", "-").replace("ー", "-")
            if not _NUMBER.match(text) or len(text) > 15:
                raise invalid(
                    "type", _("Enter %(label)s as a whole number, such as 3.") % {"label": label}
                )
            value = int(text)
        rules = item.get("validators", {})
        if "minimum" in rules and value < rules["minimum"]:
            raise invalid(
                "minimum",
                _("%(label)s must be %(min)s or more.") % {"label": label, "min": rules["minimum"]},
            )
        if "maximum" in rules and value > rules["maximum"]:
            raise invalid(
                "maximum",
                _("%(label)s must be %(max)s or less.") % {"label": label, "max": rules["maximum"]},
            )
        return value

    def json_schema(self, item: Item) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        rules = item.get("validators", {})
        if "minimum" in rules:
            schema["minimum"] = rules["minimum"]
        if "maximum" in rules:
            schema["maximum"] = rules["maximum"]
        return schema

    def display(self, item: Item, value: Any) -> str:
        return f"{value:,}" if isinstance(value, int) else ""


@register
class EmailType(FieldType):
    key = "email"
    input_type = "email"
    autocomplete = "email"

    def parse(self, item: Item, raw: Any) -> Any:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        try:
            validate_email(text)
        except ValidationError:
            raise invalid(
                "email",
                _("Enter %(label)s as an email address, such as name@example.jp.")
                % {"label": item["label"]},
            ) from None
        local, _sep, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}"

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {"type": "string", "format": "email", "maxLength": 254}


_PHONE_STRIP = re.compile(r"[\s\-()（）ー－‐]")


@register
class PhoneType(FieldType):
    """A Japanese telephone number, stored as its digits (0312345678): hyphens are a display
    convention and vary by area code."""

    key = "phone"
    input_type = "tel"
    autocomplete = "tel"
    inputmode = "tel"

    def parse(self, item: Item, raw: Any) -> Any:
        text = _PHONE_STRIP.sub("", unicodedata.normalize("NFKC", str(raw)))
        if text.startswith("+81"):
            text = "0" + text[3:]
        if not re.fullmatch(r"0\d{9,10}", text):
            raise invalid(
                "phone",
                _("Enter %(label)s as a telephone number of 10 or 11 digits, such as 03-1234-5678.")
                % {"label": item["label"]},
            )
        return text

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": r"^(\+81|0)[0-9 ()-]{9,16}$",
            "examples": ["0312345678"],
        }


class _ChoiceType(FieldType):
    needs_options = True

    def required_message(self, item: Item) -> str:
        return _("Choose %(label)s.") % {"label": item["label"]}

    def _labels(self, item: Item) -> dict[str, str]:
        return {option["value"]: option["label"] for option in item.get("options", [])}

    def _one(self, item: Item, raw: Any) -> str:
        value = str(raw).strip()
        if value not in self._labels(item):
            raise invalid(
                "choice", _("Choose %(label)s from the options shown.") % {"label": item["label"]}
            )
        return value

    def parse(self, item: Item, raw: Any) -> Any:
        return self._one(item, raw)

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {"type": "string", "enum": list(self._labels(item)), "x-labels": self._labels(item)}

    def display(self, item: Item, value: Any) -> str:
        return self._labels(item).get(str(value), "")


@register
class SelectType(_ChoiceType):
    key = "select"
    template_name = "madoguchi_forms/widgets/select.html"


@register
class RadioType(_ChoiceType):
    key = "radio"
    template_name = "madoguchi_forms/widgets/radio.html"


@register
class CheckboxType(_ChoiceType):
    """Any number of the options: the value is the list of chosen option values, in option
    order (so two residents choosing the same things store the same list)."""

    key = "checkbox"
    template_name = "madoguchi_forms/widgets/checkbox.html"
    allowed_validators = frozenset({"min_selected", "max_selected"})

    def from_post(self, item: Item, name: str, data: Any, files: Any) -> Any:
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def parse(self, item: Item, raw: Any) -> Any:
        chosen = raw if isinstance(raw, list) else [raw]
        values = {self._one(item, value) for value in chosen}
        ordered = [value for value in self._labels(item) if value in values]
        rules = item.get("validators", {})
        label = item["label"]
        if "min_selected" in rules and len(ordered) < rules["min_selected"]:
            raise invalid(
                "min_selected",
                _("Choose at least %(min)s for %(label)s.")
                % {"label": label, "min": rules["min_selected"]},
            )
        if "max_selected" in rules and len(ordered) > rules["max_selected"]:
            raise invalid(
                "max_selected",
                _("Choose at most %(max)s for %(label)s.")
                % {"label": label, "max": rules["max_selected"]},
            )
        return ordered

    def json_schema(self, item: Item) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "enum": list(self._labels(item))},
            "x-labels": self._labels(item),
        }
        rules = item.get("validators", {})
        if "min_selected" in rules:
            schema["minItems"] = rules["min_selected"]
        if "max_selected" in rules:
            schema["maxItems"] = rules["max_selected"]
        return schema

    def display(self, item: Item, value: Any) -> str:
        labels = self._labels(item)
        return pgettext("list separator", ", ").join(labels.get(v, v) for v in value or [])


@register
class ConsentType(FieldType):
    """A single box the resident ticks to agree (誓約・同意). Required means it must be ticked."""

    key = "consent"
    template_name = "madoguchi_forms/widgets/consent.html"

    def from_post(self, item: Item, name: str, data: Any, files: Any) -> Any:
        return data.get(name) == "yes"

    def is_empty(self, raw: Any) -> bool:
        return raw in (None, False, "", "false", "no")

    def required_message(self, item: Item) -> str:
        return _("To continue, agree to %(label)s.") % {"label": item["label"]}

    def parse(self, item: Item, raw: Any) -> Any:
        if raw in (True, "true", "yes", "on"):
            return True
        raise invalid("consent", _("To continue, agree to %(label)s.") % {"label": item["label"]})

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {"const": True} if item.get("required") else {"type": "boolean"}

    def display(self, item: Item, value: Any) -> str:
        return _("Agreed") if value else _("Not agreed")


@register
class GuidanceType(FieldType):
    """Text shown to the resident (注意事項); holds no answer."""

    key = "guidance"
    template_name = "madoguchi_forms/widgets/guidance.html"
    stores_value = False

    def parse(self, item: Item, raw: Any) -> Any:
        return None

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {}


@register
class GroupType(FieldType):
    """A repeatable group (対象児童, 世帯員): a list of entries, each an object of its child
    items' answers. The validator walks the children; this type holds the group's rules."""

    key = "group"
    template_name = "madoguchi_forms/widgets/group.html"
    is_group: ClassVar[bool] = True

    def check_item(self, item: Item) -> list[str]:
        problems = super().check_item(item)
        if item.get("min", 0) > item.get("max", 1):
            problems.append("min is greater than max")
        if any(child["type"] == "group" for child in item.get("items", [])):
            problems.append("groups cannot be nested")
        return problems

    def parse(self, item: Item, raw: Any) -> Any:  # pragma: no cover - the validator walks groups
        raise NotImplementedError

    def json_schema(self, item: Item) -> dict[str, Any]:  # built by the exporter
        return {}
