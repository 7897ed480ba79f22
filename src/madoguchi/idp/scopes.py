"""What each scope means, in the words a resident reads on the consent page."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCOPE_LABELS: dict[str, Promise] = {
    "openid": _("That it is you (an identifier for this service)"),
    "name": _("Your name and its reading"),
    "address": _("Your address"),
    "birthdate": _("Your date of birth"),
    "gender": _("Your gender"),
    "sign": _("Signing with your signing certificate"),
}


def scope_labels(scopes: Iterable[str]) -> list[str]:
    return [str(SCOPE_LABELS.get(scope, scope)) for scope in scopes]
