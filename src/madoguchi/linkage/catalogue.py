"""The item catalogue (one code per data item, like the data layouts of 情報提供用個別事務),
the holders that provide each category, and the 事務 with their legal basis.

Codes are stable: forms name them as an item's `source`, access rules list them, and the
exchange records keep them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .types import Category, ItemSpec, Jimu

# The fields of one person in a list of household members, as the 住民基本台帳 has them.
PERSON_ROW_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("name_kana", "furigana"),
    ("birth_date", "date"),
    ("relationship", "text"),  # 続柄 to the householder, as registered (子, 妻, 世帯主 …)
    ("sex", "text"),  # ISO/IEC 5218 code
)

ROW_FIELD_LABELS: dict[str, Any] = {
    "name": _("Full name"),
    "name_kana": _("Full name (kana)"),
    "birth_date": _("Date of birth"),
    "relationship": _("Relationship to the householder"),
    "sex": _("Sex"),
}

ITEMS: dict[str, ItemSpec] = {
    spec.code: spec
    for spec in [
        ItemSpec("jumin.name", _("Full name"), Category.RESIDENT, "name"),
        ItemSpec("jumin.name_kana", _("Full name (kana)"), Category.RESIDENT, "furigana"),
        ItemSpec("jumin.birth_date", _("Date of birth"), Category.RESIDENT, "date"),
        ItemSpec("jumin.sex", _("Sex"), Category.RESIDENT, "text"),
        ItemSpec("jumin.address", _("Address"), Category.RESIDENT, "address"),
        ItemSpec(
            "jumin.relationship",
            _("Relationship to the householder"),
            Category.RESIDENT,
            "text",
        ),
        ItemSpec("jumin.householder", _("Householder"), Category.RESIDENT, "name"),
        ItemSpec(
            "jumin.household_members",
            _("Other members of the household"),
            Category.RESIDENT,
            "group",
            PERSON_ROW_FIELDS,
        ),
        ItemSpec(
            "jumin.household_children",
            _("Children in the household"),
            Category.RESIDENT,
            "group",
            PERSON_ROW_FIELDS,
        ),
        ItemSpec("jumin.moved_in_on", _("Date moved in"), Category.RESIDENT, "date"),
        ItemSpec("jumin.moved_out_on", _("Date moved out"), Category.RESIDENT, "date"),
        ItemSpec("tax.taxable", _("Municipal tax: taxable or not"), Category.TAX, "radio"),
        ItemSpec("tax.income", _("Income of the previous year (yen)"), Category.TAX, "number"),
        ItemSpec(
            "child_allowance.receiving",
            _("Receiving child allowance"),
            Category.CHILD_ALLOWANCE,
            "radio",
        ),
    ]
}

# The department (agency code suffix) of a municipality that holds each category.
HOLDER_DEPARTMENT: dict[str, str] = {
    Category.RESIDENT: "jumin",
    Category.TAX: "tax",
    Category.CHILD_ALLOWANCE: "kodomo",
}

# Department names are data (like municipality names), stored on the agencies.
DEPARTMENT_NAMES: dict[str, str] = {
    "jumin": "住民基本台帳",
    "tax": "税務課（地方税）",
    "kodomo": "子ども支援課（児童手当）",
    "hoiku": "保育課",
    "bousai": "防災課",
}
PORTAL_NAME = "マイナポータル（自己情報）"
HUB_NAME = "情報提供ネットワーク（ハブ）"

JIMU: dict[str, Jimu] = {
    jimu.code: jimu
    for jimu in [
        Jimu(
            "child-allowance",
            _("Payment of the child allowance"),
            _("My Number Act art. 19(8); Child Allowance Act"),
            department="kodomo",
            procedures=(
                "child-allowance-claim",
                "child-allowance-change",
                "child-allowance-revision",
                "child-allowance-status-report",
            ),
        ),
        Jimu(
            "childcare",
            _("Childcare admission and fees"),
            _("My Number Act art. 19(8); Child and Child Care Support Act"),
            department="hoiku",
            procedures=("childcare-admission", "childcare-certification"),
        ),
        Jimu(
            "disaster-certificate",
            _("Issuing disaster victim certificates"),
            _("Disaster Countermeasures Basic Act art. 90-2; municipal ordinance"),
            department="bousai",
            procedures=("disaster-certificate",),
        ),
        Jimu(
            "self-information",
            _("Showing residents their own information"),
            _("Act on the Protection of Personal Information art. 33 (disclosure)"),
            department="portal",
        ),
    ]
}

# What each 事務 may ask for (the demo access list; `linkage_setup_demo` writes it as rows).
ACCESS: dict[str, tuple[str, ...]] = {
    "child-allowance": (
        "jumin.name",
        "jumin.name_kana",
        "jumin.birth_date",
        "jumin.address",
        "jumin.relationship",
        "jumin.household_children",
        "tax.taxable",
        "tax.income",
    ),
    "childcare": (
        "jumin.name",
        "jumin.name_kana",
        "jumin.birth_date",
        "jumin.address",
        "jumin.household_children",
        "jumin.household_members",
        "tax.taxable",
        "tax.income",
        "child_allowance.receiving",
    ),
    "disaster-certificate": (
        "jumin.name",
        "jumin.name_kana",
        "jumin.birth_date",
        "jumin.address",
        "jumin.relationship",
        "jumin.household_members",
    ),
    "self-information": tuple(ITEMS),
}


def item_get(code: str) -> ItemSpec | None:
    return ITEMS.get(code)


def holder_name(spec: ItemSpec) -> str:
    return DEPARTMENT_NAMES[HOLDER_DEPARTMENT[spec.category]]


def jimu_for_procedure(procedure_code: str) -> Jimu | None:
    return next((j for j in JIMU.values() if procedure_code in j.procedures), None)


def holder_agency_code(municipality_code: str, category: str) -> str:
    return f"{municipality_code}-{HOLDER_DEPARTMENT[category]}"


def requester_agency_code(municipality_code: str, jimu: Jimu) -> str:
    return "portal" if jimu.department == "portal" else f"{municipality_code}-{jimu.department}"
