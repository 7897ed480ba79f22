"""The reception's own data: case files (assignment, search text), comments, API credentials,
acknowledgements of the pull API, and webhook endpoints and deliveries.

Applications themselves belong to madoguchi.applications; these rows point at them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseFile(models.Model):
    """Reception's working state for one received application: who handles it, and the folded
    text the inbox searches (applicant's name in kanji and kana, receipt number)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="reception_case"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Assignee"),
    )
    applicant_name = models.CharField(max_length=300, blank=True)
    applicant_kana = models.CharField(max_length=300, blank=True)
    # search_fold() of names and kana: what the inbox's name filter matches against.
    search_text = models.TextField(blank=True)
    # The application's updated_at when this row was last refreshed from it.
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Case file")
        verbose_name_plural = _("Case files")

    def __str__(self) -> str:
        return f"case {self.application_id}"


class CaseComment(models.Model):
    """An internal note between staff; never shown to the applicant."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="reception_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_label = models.CharField(max_length=150)
    body = models.TextField(_("Comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class ApiCredential(models.Model):
    """A core system's key to one municipality's applications. Only a SHA-256 of the token is
    stored; the token is shown once, when it is created."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Name"), max_length=100)
    # The first characters of the token, stored in clear so staff can tell credentials apart.
    prefix = models.CharField(max_length=16, unique=True)
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API credential")
        verbose_name_plural = _("API credentials")

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.name} ({self.prefix}…)"


class Acknowledgement(models.Model):
    """A core system confirmed it has stored this submission of an application.

    Keyed by the submission time too: an application returned for correction and submitted
    again is offered again, because the core system has not seen the new answers."""

    credential = models.ForeignKey(ApiCredential, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="reception_acks"
    )
    submitted_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "application", "submitted_at"], name="ack_once"
            )
        ]

    def __str__(self) -> str:
        return f"ack {self.application_id} by {self.credential_id}"


class WebhookEndpoint(models.Model):
    """Where a municipality wants status changes pushed (optional; pulling always works)."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField(_("URL"), max_length=500)
    # Shared secret for the HMAC-SHA256 signature header; shown once at creation.
    secret = models.CharField(max_length=128)
    is_active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook endpoint")
        verbose_name_plural = _("Webhook endpoints")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Gave up")


class WebhookDelivery(models.Model):
    """One outbox message on its way to one endpoint, with the history of its attempts."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message = models.ForeignKey(
        "applications.OutboxMessage", on_delete=models.CASCADE, related_name="reception_deliveries"
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("Attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "message"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"
