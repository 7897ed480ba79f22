"""Types of the municipalities app that other apps may use: choices stored in its models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture")
    CITY = "city", _("City")
    DESIGNATED_CITY = "designated_city", _("Designated city")
    WARD = "ward", _("Ward")
    SPECIAL_WARD = "special_ward", _("Special ward")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")
