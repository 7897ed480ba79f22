"""お知らせ: a notice to one resident (shown in My page) and its deliveries by channel.

A notice keeps the subject and body as rendered when it was sent, in the resident's language:
what the resident was told never changes when a template is edited later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.notices.types import Channel, DeliveryStatus


class TemplateOverride(models.Model):
    """A municipality's own wording for one registered template (used in every language)."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    code = models.CharField(pgettext_lazy("notices", "Template"), max_length=64)
    subject = models.CharField(pgettext_lazy("notices", "Subject"), max_length=200)
    body = models.TextField(pgettext_lazy("notices", "Body"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Notice template of a municipality")
        verbose_name_plural = _("Notice templates of municipalities")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="notice_override_once")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.code}"


class Notice(models.Model):
    resident = models.ForeignKey(
        "accounts.Resident", on_delete=models.CASCADE, related_name="notices"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, null=True, blank=True
    )
    template = models.CharField(pgettext_lazy("notices", "Template"), max_length=64)
    language = models.CharField(max_length=16)
    subject = models.CharField(pgettext_lazy("notices", "Subject"), max_length=200)
    body = models.TextField(pgettext_lazy("notices", "Body"))
    # A path on this site (never another host): the page the notice is about.
    link = models.CharField(max_length=500, blank=True)
    # Idempotency: the sender's name for "this notice", e.g. "arrival-refused:<id>". A second
    # send with the same key finds this row and sends nothing.
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("notices", "Notice")
        verbose_name_plural = _("Notices")
        indexes = [
            models.Index(fields=["resident", "-created_at"], name="notice_inbox"),
            models.Index(fields=["resident", "read_at"], name="notice_unread"),
            models.Index(fields=["municipality", "-created_at"], name="notice_municipality"),
        ]

    def __str__(self) -> str:
        return f"notice {self.pk} ({self.template})"


class Delivery(models.Model):
    """One notice on one channel: the queue row a worker claims before it sends."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    address = models.CharField(pgettext_lazy("notices", "Address"), max_length=254)
    status = models.CharField(
        pgettext_lazy("notices", "Status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
    )
    attempts = models.PositiveIntegerField(pgettext_lazy("notices", "Attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set when a send interrupted while `sending` was put back once (it is never put back twice).
    recovered = models.BooleanField(default=False)
    last_error = models.TextField(pgettext_lazy("notices", "Last error"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Delivery of a notice")
        verbose_name_plural = _("Deliveries of notices")
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="notice_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notice_delivery_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"
