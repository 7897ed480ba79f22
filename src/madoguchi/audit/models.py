"""The audit log: append-only events, hash-chained per municipality.

Every event belongs to the chain of its `municipality_code` ("" is the chain of national and
system events). Chains are independent so that audited writes of different municipalities never
wait for each other (docs/adr/0003-audit-chain-per-municipality.md).
"""

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

    Each row's `hash` covers its own content (municipality code included) and the hash of the
    previous row of the same municipality's chain, so altering, removing, reordering or moving a
    row to another chain breaks a link; `verify_audit_chain` names the first such row and its chain.
    """

    sequence = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("Time"))
    action = models.CharField(_("Action"), max_length=64)
    actor_id = models.CharField(_("Actor"), max_length=64, blank=True)
    actor_label = models.CharField(_("Actor name"), max_length=150, blank=True)
    # No db_index of its own: the (municipality_code, sequence) index and the
    # (municipality_code, prev_hash) constraint both lead with it and serve its lookups, and every
    # index is one more write on every audited action.
    municipality_code = models.CharField(_("Local government code"), max_length=6, blank=True)
    object_type = models.CharField(_("Object type"), max_length=64, blank=True)
    object_id = models.CharField(_("Object"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("Data"), default=dict)
    # Unique per chain (see Meta): every chain starts at GENESIS_HASH.
    prev_hash = models.CharField(max_length=64)
    # Unique through a constraint in Meta, not unique=True: on PostgreSQL that would add a second,
    # varchar_pattern_ops index for LIKE queries nobody runs, one more write per audited action.
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["hash"], name="audit_hash_unique"),
            # Two writers that read the same tail of a chain cannot both append after it.
            models.UniqueConstraint(
                fields=["municipality_code", "prev_hash"], name="audit_chain_prev_hash_unique"
            ),
        ]
        indexes = [
            # The tail query of services.audit_record: the newest event of one chain.
            models.Index(fields=["municipality_code", "sequence"], name="audit_chain_tail_idx"),
        ]
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
