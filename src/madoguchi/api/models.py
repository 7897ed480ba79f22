"""API clients (third-party portals), their keys, the applications they sent, idempotency records.

A key is shown once, when issued, and stored only as its SHA-256: keys carry 256 random bits, so
a fast hash is as safe as a slow one here and keeps the per-request lookup to one indexed query.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.core.identifiers import EncryptedJSONField


class Scope(models.TextChoices):
    SEARCH = "search", _("Search (municipalities, procedures, forms)")
    APPLY = "apply", _("Apply on behalf of residents")
    RECEPTION = "reception", _("Reception (municipal core systems)")


class Mode(models.TextChoices):
    TEST = "test", _("Test")
    LIVE = "live", _("Live")


class ApiClient(models.Model):
    """A third-party portal or core system registered by the national administrator."""

    client_id = models.SlugField(_("Client ID"), max_length=64, unique=True)
    name = models.CharField(_("Name"), max_length=128)
    contact_email = models.EmailField(_("Contact e-mail"), blank=True)
    scopes = models.JSONField(_("Scopes"), default=list)
    # "<n>/<second|minute|hour|day>"; empty: no limit (benchmarks, trusted core systems).
    rate = models.CharField(_("Rate limit"), max_length=32, default="600/minute", blank=True)
    # For the reception scope: the municipalities whose applications this client may pull.
    reception_municipality_codes = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class ApiKey(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")
    mode = models.CharField(_("Mode"), max_length=4, choices=Mode.choices)
    # The first characters of the key, safe to show: lets an operator tell keys apart.
    prefix = models.CharField(_("Key prefix"), max_length=24)
    key_sha256 = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("Label"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("Issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.get_mode_display()})"


class ApiApplication(models.Model):
    """Which client sent an application, and whether with a test key (test data must never
    reach a resident as a real notification, and staff can tell it apart)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="api_origin"
    )
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="applications")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Application sent through the API")
        verbose_name_plural = _("Applications sent through the API")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.application_id}"


class IdempotencyRecord(models.Model):
    """The response to the first successful request with an Idempotency-Key, per client.

    The unique constraint is what makes concurrent retries safe: the second insert fails (or, on
    PostgreSQL, waits for the first transaction and then fails) and its work is rolled back.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    # A response may echo answers (個人番号 included): encrypted at rest like the answers.
    response_body = EncryptedJSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_client_key")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.key}"


class PortalWebhook(models.Model):
    """Where a portal wants the outcome of its arrivals pushed (受付 or 受付不可), per client and
    key mode: a test key's arrivals go to the test callback. Optional; polling always works."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    url = models.URLField(_("URL"), max_length=500)
    # Shared secret of the HMAC-SHA256 signature header; shown once, when registered.
    secret = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Portal webhook")
        verbose_name_plural = _("Portal webhooks")
        constraints = [
            models.UniqueConstraint(fields=["client", "mode"], name="api_webhook_client_mode")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} ({self.mode}): {self.url}"


class PortalDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Gave up")


class PortalWebhookDelivery(models.Model):
    """The outcome of one arrival on its way to the portal: written in the transaction that
    records the outcome (an outbox), POSTed signed and retried by the task worker."""

    webhook = models.ForeignKey(PortalWebhook, on_delete=models.CASCADE, related_name="deliveries")
    arrival_number = models.CharField(max_length=12)
    topic = models.CharField(max_length=32)
    # The event as sent (no answers, no 個人番号: the number, the outcome, the receipt or the
    # problem document).
    body = models.JSONField()
    status = models.CharField(
        max_length=16,
        choices=PortalDeliveryStatus.choices,
        default=PortalDeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "arrival_number"], name="api_webhook_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="api_webhook_delivery_due")
        ]

    def __str__(self) -> str:
        return f"{self.arrival_number} → {self.webhook_id} ({self.status})"
