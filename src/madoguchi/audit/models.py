from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """One audited action. Rows are only ever inserted (see services.audit_record).

    Each row's `hash` covers its own content and the previous row's hash, so altering, removing
    or reordering any row breaks every link after it; `verify_audit_chain` names the first.
    """

    sequence = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("Time"))
    action = models.CharField(_("Action"), max_length=64)
    actor_id = models.CharField(_("Actor"), max_length=64, blank=True)
    actor_label = models.CharField(_("Actor name"), max_length=150, blank=True)
    municipality_code = models.CharField(
        _("Local government code"), max_length=6, blank=True, db_index=True
    )
    object_type = models.CharField(_("Object type"), max_length=64, blank=True)
    object_id = models.CharField(_("Object"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("Data"), default=dict)
    # unique: two concurrent writers that read the same tail cannot both append after it.
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit event")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")
