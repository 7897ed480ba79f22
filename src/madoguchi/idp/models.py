from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoIdentity(models.Model):
    """The development IdP's own account for one demo resident.

    django-oauth-toolkit ties grants and tokens to a Django user. The IdP stands in for an
    external system, so it keeps its own user per resident (no password, never logged in to the
    platform) rather than sharing the platform's user: swapping in a real issuer then changes
    nothing on the relying party's side. The PIN counter imitates the card's lockout.
    """

    resident = models.OneToOneField("accounts.Resident", on_delete=models.CASCADE, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    failed_pin_attempts = models.PositiveSmallIntegerField(_("Wrong PIN entries"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Demo identity")
        verbose_name_plural = _("Demo identities")

    def __str__(self) -> str:
        return str(self.resident)
