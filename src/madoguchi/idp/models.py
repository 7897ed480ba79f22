from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_subject() -> str:
    return str(uuid.uuid4())


class DemoIdentity(models.Model):
    """A person the development IdP knows: what it vouches for, and its PIN counter.

    The IdP stands in for an external system (the authentication app, which knows everyone in
    Japan), so it keeps its own record of each person — subject, name, reading, birth date,
    gender, address — and releases claims from it, never from the platform's resident registry.
    The demo residents are copied in (`resident` names the demo resident a row was seeded from,
    and their registry identifier is their subject); other fictional people are added with
    `idp_person_create` or the "new person" page, and become residents only by signing in.

    django-oauth-toolkit ties grants and tokens to a Django user, so each identity has its own
    passwordless user (never logged in to the platform). The PIN counter imitates the card.
    """

    resident = models.OneToOneField(
        "accounts.Resident", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("Subject"), max_length=64, unique=True, default=new_subject)
    family_name = models.CharField(_("Family name"), max_length=64, blank=True)
    given_name = models.CharField(_("Given name"), max_length=64, blank=True)
    family_name_kana = models.CharField(_("Family name (kana)"), max_length=128, blank=True)
    given_name_kana = models.CharField(_("Given name (kana)"), max_length=128, blank=True)
    birth_date = models.DateField(_("Date of birth"), null=True, blank=True)
    gender = models.CharField(_("Gender"), max_length=1, blank=True)
    postal_code = models.CharField(_("Postal code"), max_length=7, blank=True)
    address = models.CharField(_("Address"), max_length=256, blank=True)
    failed_pin_attempts = models.PositiveSmallIntegerField(_("Wrong PIN entries"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Demo identity")
        verbose_name_plural = _("Demo identities")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}"
