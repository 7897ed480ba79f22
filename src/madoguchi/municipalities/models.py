from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.municipalities.types import Kind

# Kinds that are municipalities in the sense of 地方自治法 (市町村 and 特別区): the 1,741.
MUNICIPAL_KINDS = (Kind.CITY, Kind.DESIGNATED_CITY, Kind.SPECIAL_WARD, Kind.TOWN, Kind.VILLAGE)


class Municipality(models.Model):
    """A prefecture, municipality or ward of a designated city, keyed by its 6-digit code."""

    code = models.CharField(_("Local government code"), max_length=6, primary_key=True)
    name = models.CharField(_("Name"), max_length=64)
    kana = models.CharField(_("Kana"), max_length=128)
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    prefecture = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Prefecture"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards",
        verbose_name=_("Designated city"),
        help_text=_("The designated city the ward belongs to"),
    )
    # The part of an address between prefecture and municipality: a 郡 (西多摩郡) or, for the
    # Tokyo islands, the island (三宅島). Not part of the municipality's name.
    district = models.CharField(_("District or island"), max_length=32, blank=True)
    district_kana = models.CharField(_("District or island (kana)"), max_length=64, blank=True)
    # Folded name + kana (see text.fold), so one indexed LIKE serves any kana width on both
    # SQLite and PostgreSQL.
    search_key = models.CharField(max_length=256, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Local government")
        verbose_name_plural = _("Local government")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="prefecture", prefecture__isnull=True)
                | (~models.Q(kind="prefecture") & models.Q(prefecture__isnull=False)),
                name="municipality_prefecture_set_unless_prefecture",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name residents write on addresses: 東京都千代田区, 東京都西多摩郡奥多摩町."""
        if self.kind == Kind.PREFECTURE or self.prefecture is None:
            return self.name
        return f"{self.prefecture.name}{self.district}{self.name}"
