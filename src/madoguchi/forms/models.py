"""A municipality's form (a draft: preset snapshot + overlay) and its published versions.

A FormVersion is what residents fill and applications pin: a full JSON snapshot with a SHA-256
hash of its canonical JSON (RFC 8785). It is written once and never changed or deleted; the
model layer refuses both, whatever path the ORM call takes (instance or queryset).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, ClassVar

import rfc8785
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def content_hash(definition: Any) -> str:
    """SHA-256 of the canonical JSON (RFC 8785) of a definition: equal content, equal hash,
    whichever database stored it and in whatever key order."""
    return hashlib.sha256(rfc8785.dumps(definition)).hexdigest()


class ImmutableFormVersionError(RuntimeError):
    pass


class MunicipalForm(models.Model):
    """A municipality's adopted preset: the preset snapshot it is built on and its overlay
    (relabels, help, added items, hidden optional items, notes). Edited freely; residents never
    see it until it is published as a FormVersion."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Local government"),
    )
    procedure_code = models.CharField(pgettext_lazy("forms", "Procedure"), max_length=64)
    # The preset as it was when adopted or last rebased: a newer preset never changes a form
    # until staff rebase onto it.
    base_definition = models.JSONField()
    base_version = models.PositiveIntegerField(_("Standard form version"))
    overlay = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Municipal form")
        verbose_name_plural = _("Municipal forms")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "procedure_code"], name="municipal_form_unique_procedure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.procedure_code}"


class FormVersionQuerySet(models.QuerySet["FormVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableFormVersionError("published form versions cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableFormVersionError("published form versions cannot be deleted")


class FormVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipal_form = models.ForeignKey(
        MunicipalForm, on_delete=models.PROTECT, related_name="versions"
    )
    # Denormalised from municipal_form so reads scope by municipality without a join.
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    procedure_code = models.CharField(max_length=64)
    number = models.PositiveIntegerField(_("Version"))
    preset_version = models.PositiveIntegerField(_("Standard form version"))
    definition = models.JSONField()
    content_hash = models.CharField(_("Content hash (SHA-256)"), max_length=64)
    published_at = models.DateTimeField(_("Published at"), auto_now_add=True)
    # A label, not a foreign key: deleting a user must not rewrite a published version.
    published_by = models.CharField(_("Published by"), max_length=150, blank=True)

    objects: ClassVar[models.Manager[FormVersion]] = FormVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Published form version")
        verbose_name_plural = _("Published form versions")
        ordering = ["municipal_form", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipal_form", "number"], name="form_version_unique_number"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "procedure_code", "-number"])]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.procedure_code} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableFormVersionError("published form versions cannot be changed")
        if self.content_hash != content_hash(self.definition):
            raise ImmutableFormVersionError("content_hash does not match the definition")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableFormVersionError("published form versions cannot be deleted")

    def hash_is_intact(self) -> bool:
        return self.content_hash == content_hash(self.definition)
