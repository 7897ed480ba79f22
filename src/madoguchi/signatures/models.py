"""The development PKI (CAs, certificates, CRLs), virtual My Number Cards and signature evidence.

Private keys are stored wrapped (see keys.py); PINs are stored as Django password hashes. Reads
go through selectors.py, writes through services.py.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.signatures.outcomes import Outcome


class CertificateKind(models.TextChoices):
    SIGNING = "sign", _("Signing certificate (署名用)")
    AUTHENTICATION = "auth", _("User authentication certificate (利用者証明用)")


class CertificateAuthority(models.Model):
    """One CA of the development hierarchy, addressed by a stable slug: root, sign, auth."""

    slug = models.SlugField(_("Identifier"), max_length=16, unique=True)
    common_name = models.CharField(_("Name"), max_length=128)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    certificate_der = models.BinaryField(_("Certificate (DER)"))
    # SHA-256 of the DER subject name: how certificates and CRLs find their issuer.
    subject_sha256 = models.CharField(max_length=64, unique=True)
    serial = models.CharField(_("Serial number"), max_length=64)
    key_wrapped = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Certificate authority")
        verbose_name_plural = _("Certificate authorities")

    def __str__(self) -> str:
        return self.common_name


class Card(models.Model):
    """A virtual My Number Card: the PIN state of one resident's token.

    Failure counters are updated only while the row is locked (select_for_update), so concurrent
    wrong PINs cannot slip past the limit.
    """

    resident = models.OneToOneField(
        "accounts.Resident", on_delete=models.PROTECT, related_name="signature_card"
    )
    sign_pin_hash = models.CharField(max_length=256, editable=False)
    sign_pin_failures = models.PositiveSmallIntegerField(default=0)
    auth_pin_hash = models.CharField(max_length=256, editable=False)
    auth_pin_failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Virtual My Number Card")
        verbose_name_plural = _("Virtual My Number Cards")

    def __str__(self) -> str:
        return f"card of resident {self.resident_id}"


class IssuedCertificate(models.Model):
    """A certificate issued by one of our CAs. (issuer, serial) identifies the applicant."""

    authority = models.ForeignKey(
        CertificateAuthority, on_delete=models.PROTECT, related_name="certificates"
    )
    card = models.ForeignKey(
        Card, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    kind = models.CharField(_("Kind"), max_length=4, choices=CertificateKind.choices)
    issuer_sha256 = models.CharField(max_length=64)
    serial = models.CharField(_("Serial number"), max_length=64)
    subject = models.TextField(pgettext_lazy("certificate", "Subject"))
    not_before = models.DateTimeField(_("Valid from"))
    not_after = models.DateTimeField(_("Valid until"))
    certificate_der = models.BinaryField(_("Certificate (DER)"))
    key_wrapped = models.BinaryField(editable=False)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("Revocation reason"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Issued certificate")
        verbose_name_plural = _("Issued certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_sha256", "serial"], name="signatures_cert_issuer_serial"
            )
        ]
        indexes = [models.Index(fields=["card", "kind", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class CertificateRevocationList(models.Model):
    authority = models.ForeignKey(
        CertificateAuthority, on_delete=models.PROTECT, related_name="crls"
    )
    number = models.PositiveBigIntegerField(_("CRL number"))
    this_update = models.DateTimeField()
    next_update = models.DateTimeField()
    crl_der = models.BinaryField()

    class Meta:
        verbose_name = _("Certificate revocation list")
        verbose_name_plural = _("Certificate revocation lists")
        constraints = [
            models.UniqueConstraint(fields=["authority", "number"], name="signatures_crl_number")
        ]

    def __str__(self) -> str:
        return f"CRL {self.authority.slug} #{self.number}"


class SignatureEvidence(models.Model):
    """What the platform verified and concluded: kept with an application as evidence.

    Immutable once written. The certificate is stored whole, so the evidence can be re-checked
    with standard tools years later even if the CA is gone.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outcome = models.CharField(_("Outcome"), max_length=32, choices=Outcome.choices)
    verified_at = models.DateTimeField(_("Verified at"))
    payload_sha256 = models.CharField(_("SHA-256 of the signed payload"), max_length=64)
    # The exact bytes that were signed (detached CMS): with cms_der and the CA chain, anyone can
    # verify the evidence again with `openssl cms -verify`. Empty in evidence stored before.
    payload = models.BinaryField(_("Signed payload"), default=b"", blank=True)
    cms_der = models.BinaryField(_("Signature (CMS, DER)"))
    certificate_der = models.BinaryField(_("Signer certificate (DER)"), null=True, blank=True)
    issuer = models.TextField(pgettext_lazy("certificate", "Issuer"), blank=True)
    serial = models.CharField(_("Serial number"), max_length=64, blank=True)
    subject = models.TextField(pgettext_lazy("certificate", "Subject"), blank=True)
    # The holder's name from the certificate (subjectAltName), exactly as written there.
    holder_name = models.TextField(_("Name of the certificate holder"), blank=True)
    crl_number = models.CharField(_("CRL number used"), max_length=64, blank=True)
    certificate = models.ForeignKey(
        IssuedCertificate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    resident = models.ForeignKey(
        "accounts.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signature_evidence",
    )
    detail = models.TextField(_("Technical detail"), blank=True)

    class Meta:
        verbose_name = _("Signature evidence")
        verbose_name_plural = _("Signature evidence")
        indexes = [models.Index(fields=["issuer", "serial"])]

    def __str__(self) -> str:
        return f"{self.outcome} {self.serial} {self.verified_at:%Y-%m-%d %H:%M}"

    @property
    def is_valid(self) -> bool:
        return self.outcome == Outcome.VALID


class CertificateLink(models.Model):
    """A signing certificate (issuer + serial, as the real reception system identifies the
    applicant) linked to the resident it belongs to.

    Written on the certificate's first valid signature by that resident, after its 基本4情報
    matched the resident's record (signatures/holder.py). A re-issued card (new serial, e.g.
    after a move) is linked again the same way. Any JPKI-like certificate that chains to a
    configured root can be linked — it need not be one this platform issued.
    """

    issuer_sha256 = models.CharField(max_length=64)
    serial = models.CharField(_("Serial number"), max_length=64)
    resident = models.ForeignKey(
        "accounts.Resident", on_delete=models.CASCADE, related_name="certificate_links"
    )
    holder_name = models.TextField(_("Name of the certificate holder"), blank=True)
    not_after = models.DateTimeField(_("Valid until"), null=True, blank=True)
    linked_at = models.DateTimeField(_("Linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Certificate linked to a resident")
        verbose_name_plural = _("Certificates linked to residents")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_sha256", "serial"], name="signatures_link_issuer_serial"
            )
        ]

    def __str__(self) -> str:
        return f"{self.serial} → resident {self.resident_id}"
