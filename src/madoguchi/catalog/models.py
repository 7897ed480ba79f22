from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.types import ApplicationLimit


class Level(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipality")
    PREFECTURAL = "prefectural", _("Prefecture")


class LifeEvent(models.Model):
    """A moment in life residents think in (妊娠・出産, 引越し…), used to browse procedures."""

    code = models.SlugField(primary_key=True, max_length=32)
    name = models.CharField(_("Name"), max_length=64)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("Life event")
        verbose_name_plural = _("Life events")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """A standard administrative procedure (標準的な手続), the same for every municipality."""

    code = models.SlugField(primary_key=True, max_length=64)
    name = models.CharField(_("Name"), max_length=128)
    kana = models.CharField(_("Kana"), max_length=256)
    summary = models.TextField(_("Summary in plain Japanese"))
    category = models.CharField(_("Category"), max_length=32)
    level = models.CharField(_("Level"), max_length=16, choices=Level.choices)
    legal_basis = models.CharField(_("Legal basis"), max_length=128, blank=True)
    signature_required = models.BooleanField(_("My Number Card signature required"), default=True)
    keywords = models.JSONField(_("Everyday words"), default=list, blank=True)
    # 保存期間: the standard years an application is kept after its decision
    # (applications.retention).
    retention_years = models.PositiveSmallIntegerField(_("Retention period (years)"), default=5)
    life_events = models.ManyToManyField(LifeEvent, related_name="procedures", blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("Procedure")
        verbose_name_plural = _("Procedures")

    def __str__(self) -> str:
        return self.name


class Offering(models.Model):
    """A procedure as one municipality (or prefecture) offers it: online or not, and how."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="offerings"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="offerings")
    online = models.BooleanField(_("Online application available"), default=False)
    # The published form version residents fill in (madoguchi.forms); empty while offline.
    form_version_ref = models.CharField(max_length=64, blank=True)
    contact = models.TextField(_("Contact"), blank=True)
    fees = models.CharField(_("Fees"), max_length=256, blank=True)
    deadline = models.CharField(_("Deadline"), max_length=256, blank=True)
    attachments = models.JSONField(_("Documents to attach"), default=list, blank=True)
    notes = models.TextField(_("Notes"), blank=True)
    # Benefit campaigns: the 2020 lesson. Enforced by a unique key on the application.
    application_limit = models.CharField(
        _("Application limit"),
        max_length=16,
        choices=ApplicationLimit.choices,
        blank=True,
        default=ApplicationLimit.NONE,
    )
    # The municipality's own retention period (例規), overriding the procedure's; None = standard.
    retention_years = models.PositiveSmallIntegerField(
        _("Retention period (years)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Offering")
        verbose_name_plural = _("Offerings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "procedure"], name="offering_unique")
        ]
        indexes = [models.Index(fields=["procedure", "online"], name="offering_proc_online")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.procedure_id}"
