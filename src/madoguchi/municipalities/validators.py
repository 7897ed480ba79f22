"""Validators shared by the API, the pages and imports, with the Japanese messages residents and
portal developers see."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from madoguchi.municipalities import codes, selectors


def _shown(value: str, limit: int = 20) -> str:
    """The input as echoed in a message: control characters dropped, long input shortened."""
    printable = "".join(ch for ch in value if ch.isprintable())
    return printable if len(printable) <= limit else printable[:limit] + "…"


def validate_local_government_code(value: str) -> None:
    if not codes.is_valid(value):
        raise ValidationError(
            _(
                "%(code)s is not a valid local government code: it must be 6 digits with a "
                "correct check digit."
            )
            % {"code": _shown(value)},
            code="invalid_code",
        )


def validate_postal_code(value: str) -> None:
    if not selectors.POSTAL_CODE.match(value):
        raise ValidationError(
            _("%(value)s is not a postal code: write 7 digits, such as 1000013 or 100-0013.")
            % {"value": _shown(value)},
            code="invalid_postal_code",
        )
    try:
        selectors.municipality_codes_for_postal_code(value)
    except selectors.UnknownPostalCode:
        raise ValidationError(
            _("Postal code %(value)s does not exist.") % {"value": _shown(value)},
            code="unknown_postal_code",
        ) from None
