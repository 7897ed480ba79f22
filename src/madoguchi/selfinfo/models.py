"""A private service (民間サービス) registered for the self-information API, and a resident's
consent to it.

- `Service`: the platform operator's registration of a private service: its OAuth client
  (django-oauth-toolkit's `Application`, with the redirect URIs), who runs it, the purpose it
  states to residents, and the data categories it may ask for (one scope each).
- `Consent`: a resident's consent to one service for some categories; revoking it deletes the
  service's tokens for that resident at once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.Model):
    application = models.OneToOneField(
        "oauth2_provider.Application",
        on_delete=models.CASCADE,
        related_name="selfinfo_service",
    )
    name = models.CharField(_("Service name"), max_length=128)
    operator = models.CharField(_("Operated by"), max_length=128)
    purpose = models.TextField(_("Purpose stated to residents"))
    categories = models.JSONField(_("Data categories it may ask for"), default=list)
    is_active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Private service")
        verbose_name_plural = _("Private services")

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    resident = models.ForeignKey(
        "accounts.Resident", on_delete=models.CASCADE, related_name="selfinfo_consents"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="consents")
    categories = models.JSONField(default=list)
    granted_at = models.DateTimeField()
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "service"],
                condition=models.Q(revoked_at__isnull=True),
                name="selfinfo_one_active_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.resident_id}"
