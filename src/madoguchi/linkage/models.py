"""The hub's tables and both sides' exchange records.

- `Agency`: a requester or holder (a municipal department, a national body, the hub itself)
  with its own Ed25519 signing key (the private half only for agencies this platform runs).
- `PersonCode`: the per-agency pseudonymous code (機関別符号) of a person. Random, so no agency
  can derive another's; only the hub reads this table to map one agency's code to another's.
  The link is the resident registry's subject, never the 個人番号.
- `AccessRule`: which requester may ask which holder for which items, for which 事務.
- `ExchangeRecord`: the 情報提供等記録, one row per side of an exchange, hash-chained per agency
  (insert only).
- `HolderRecord`: a demo holder's data (地方税, 児童手当), keyed by the holder's own code.
- `AnswerSource`: which exchange supplied which answer of an application (the evidence).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.core.identifiers import EncryptedJSONField

from .types import AgencyKind, Outcome, Side


class Agency(models.Model):
    code = models.CharField(_("Agency code"), max_length=32, primary_key=True)
    name = models.CharField(_("Name"), max_length=128)
    kind = models.CharField(max_length=16, choices=AgencyKind.choices)
    municipality_code = models.CharField(max_length=6, blank=True, db_index=True)
    # The public key as a JWK (Ed25519, "OKP"); the private JWK is encrypted at rest and empty
    # for agencies run elsewhere (an HTTP holder signs with its own key).
    public_jwk = models.JSONField()
    private_jwk = EncryptedJSONField(null=True, blank=True)
    # Where an HTTP holder answers (docs/linkage.md#http-holder-contract); "" = in process.
    endpoint = models.URLField(blank=True)
    timeout_seconds = models.FloatField(default=5.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Agency")
        verbose_name_plural = _("Agencies")

    def __str__(self) -> str:
        return self.name


class PersonCode(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="person_codes")
    subject = models.UUIDField()
    code = models.CharField(max_length=43)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "subject"], name="person_code_one_per_agency"
            ),
            models.UniqueConstraint(fields=["agency", "code"], name="person_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:…"


class AccessRule(models.Model):
    requester = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="rules_asked")
    holder = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="rules_held")
    jimu = models.CharField(_("Administrative task"), max_length=64)
    legal_basis = models.CharField(_("Legal basis"), max_length=255)
    items = models.JSONField(_("Items"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "holder", "jimu"], name="access_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.holder_id} ({self.jimu})"


class ExchangeRecordQuerySet(models.QuerySet["ExchangeRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Exchange records are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Exchange records are never deleted.")


class ExchangeRecord(models.Model):
    exchange_id = models.UUIDField(db_index=True)
    side = models.CharField(max_length=16, choices=Side.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="records")
    # The other party (for the requester: the holder; for the holder: the requester).
    counterpart = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person_code = models.CharField(max_length=43, db_index=True)
    jimu = models.CharField(max_length=64)
    items = models.JSONField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # Who asked on the requester's side ("resident", "staff:<username>", "service:<client>").
    initiated_by = models.CharField(max_length=160, blank=True)
    request_jti = models.CharField(max_length=64)
    request_sha256 = models.CharField(max_length=64, blank=True)
    response_sha256 = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ExchangeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "prev_hash"], name="exchange_chain_link"),
            models.UniqueConstraint(
                fields=["exchange_id", "side"], name="exchange_one_record_per_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exchange_id} {self.side} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Exchange records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Exchange records are never deleted.")


class SeenRequest(models.Model):
    """Request ids (jti) the hub has accepted: a replay loses on the primary key."""

    jti = models.CharField(max_length=64, primary_key=True)
    requester = models.CharField(max_length=32)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.jti


class HolderRecord(models.Model):
    holder = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="holder_records")
    person_code = models.CharField(max_length=43)
    data = EncryptedJSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["holder", "person_code"], name="holder_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.holder_id}:…"


class AnswerSource(models.Model):
    application_id = models.UUIDField(db_index=True)  # the application's public id
    item_code = models.CharField(max_length=128)
    source_item = models.CharField(max_length=64)
    exchange_id = models.UUIDField()
    holder_name = models.CharField(max_length=128)
    locked = models.BooleanField(default=False)
    value = EncryptedJSONField()
    fetched_at = models.DateTimeField(auto_now_add=True)
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application_id", "item_code"], name="answer_source_one_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.item_code}"


class ResidencyRecord(models.Model):
    """住民基本台帳: the dates that decide whether a resident was recorded on a given day (a
    benefit's 基準日) — moved in (転入), moved out (転出), died (死亡). A resident without a row
    has been recorded since birth and still is. The row is the registry holder's; the
    eligibility of a benefit campaign reads it through selectors.registry_households_at."""

    resident = models.OneToOneField(
        "accounts.Resident", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    moved_in_on = models.DateField(_("Moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("Moved out on"), null=True, blank=True)
    deceased_on = models.DateField(_("Died on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"residency {self.resident_id}"
