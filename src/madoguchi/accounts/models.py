from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.accounts.types import Gender, HouseholdSource, Role


class User(AbstractUser):
    """Everyone who logs in: staff (password, later TOTP) and residents (OpenID Connect).

    Custom from the first migration so that later fields never need a painful swap.
    """

    display_name = models.CharField(_("Display name"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A staff member's role in one prefecture or municipality — or, for the national
    administrator, over the whole platform (municipality left empty)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("Organisation"),
    )
    role = models.CharField(_("Role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Staff membership")
        verbose_name_plural = _("Staff membership")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="membership_unique"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role="national_admin"),
                name="membership_one_national_admin_row",
            ),
            models.CheckConstraint(
                condition=(models.Q(role="national_admin") & models.Q(municipality__isnull=True))
                | (~models.Q(role="national_admin") & models.Q(municipality__isnull=False)),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.user} / {self.municipality or _('Whole platform')} / {self.get_role_display()}"
        )


class Household(models.Model):
    """A 世帯: as recorded in the resident registry (住民基本台帳) when a registry adapter knows
    it, otherwise as the resident declared it (or a household of one, not yet confirmed)."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    code = models.CharField(_("Household number"), max_length=32)
    source = models.CharField(
        _("Source"),
        max_length=16,
        choices=HouseholdSource.choices,
        default=HouseholdSource.REGISTRY,
    )

    class Meta:
        verbose_name = _("Household")
        verbose_name_plural = _("Household")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="household_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}-{self.code}"


class Resident(models.Model):
    """A person in a municipality's resident registry.

    Names and addresses are stored exactly as given — including characters outside JIS X 0208
    (𠮷, 髙, 﨑) and ideographic variation sequences — and never normalised here.
    """

    subject = models.UUIDField(_("Identifier"), unique=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="resident"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="residents"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    is_householder = models.BooleanField(_("Householder"), default=False)
    relationship = models.CharField(_("Relationship to householder"), max_length=16)
    family_name = models.CharField(_("Family name"), max_length=64)
    given_name = models.CharField(_("Given name"), max_length=64)
    family_name_kana = models.CharField(_("Family name (kana)"), max_length=128)
    given_name_kana = models.CharField(_("Given name (kana)"), max_length=128)
    birth_date = models.DateField(_("Date of birth"))
    gender = models.CharField(_("Gender"), max_length=1, choices=Gender.choices)
    postal_code = models.CharField(_("Postal code"), max_length=7)
    address = models.CharField(_("Address"), max_length=256)
    email = models.EmailField(_("Email address"), blank=True)

    class Meta:
        verbose_name = _("Resident")
        verbose_name_plural = _("Resident")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(is_householder=True),
                name="resident_one_householder_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}"


class ResidentIdentity(models.Model):
    """The resident an identity provider vouches for: (issuer, subject) → resident.

    Subjects are unique per issuer only, so the key is the pair. Created on the first sign-in
    (accounts.services.resident_from_identity)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="identities")
    issuer = models.CharField(_("Issuer"), max_length=255)
    subject = models.CharField(_("Subject"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(_("Last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("Resident identity")
        verbose_name_plural = _("Resident identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="resident_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class ResidentChange(models.Model):
    """One change of a resident's record and where it came from (append-only history)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    # "identity" (a sign-in's verified claims), "certificate" (a signature's 基本4情報),
    # "declaration" (the resident's own household declaration).
    source = models.CharField(_("Source"), max_length=16)
    issuer = models.CharField(_("Issuer"), max_length=255, blank=True)
    # {field: {"old": ..., "new": ...}}, values as stored (dates in ISO 8601).
    changes = models.JSONField(_("Changes"))

    class Meta:
        verbose_name = _("Change of a resident record")
        verbose_name_plural = _("Changes of resident records")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.changed_at:%Y-%m-%d %H:%M} {self.source}"
