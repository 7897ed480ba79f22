"""Writes of benefit campaigns: define, compute eligibility (streaming), push the notices,
confirm (signed, once per household), approve (four eyes), pay (全銀 総合振込 file), import
the 振込不能 results. docs/campaigns.md walks through a run.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

import rfc8785
from django.db import transaction
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.accounts import selectors as account_selectors
from madoguchi.audit.services import audit_record
from madoguchi.core import zengin
from madoguchi.linkage import selectors as linkage_selectors
from madoguchi.signatures import services as signature_services
from madoguchi.signatures.outcomes import Outcome

from . import notify, rules
from .models import (
    ApprovalBatch,
    Campaign,
    Entitlement,
    Payment,
    PaymentFile,
)
from .types import (
    OPEN_STATES,
    CampaignState,
    Decision,
    EntitlementState,
    Flag,
    PaymentState,
)

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident, User

Progress = Callable[[int], None] | None
BATCH = 1000


class CampaignError(Exception):
    """A refused write; `message` is Japanese, `field` the form field it belongs to (or None)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Frozen(CampaignError):
    pass


class AlreadyConfirmed(CampaignError):
    pass


class NotAllowed(CampaignError):
    pass


# --- definition ----------------------------------------------------------------------------


CAMPAIGN_FIELDS = (
    "name",
    "base_date",
    "unit",
    "age_min",
    "age_max",
    "tax_exempt",
    "amount_per_household",
    "amount_per_person",
    "amount_per_child",
    "child_age_under",
    "applicant",
    "opens_on",
    "closes_on",
)


def campaign_save(
    *,
    user: User,
    data: dict[str, Any],
    municipality_code: str | None,
    campaign: Campaign | None = None,
) -> Campaign:
    """Create or change a campaign (the form has checked each field). A campaign is frozen once
    its notices went out; a change before that discards the computed entitlements (compute
    again) and raises the version."""
    with transaction.atomic():
        if campaign is None:
            campaign = Campaign(municipality_id=municipality_code, created_by=user)
            action = "campaign.created"
        else:
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if campaign.frozen:
                raise Frozen(_("The notices of this benefit were sent: it can no longer change."))
            campaign.version += 1
            campaign.state = CampaignState.DRAFT
            campaign.computed_at = None
            Entitlement.objects.filter(campaign=campaign).delete()
            action = "campaign.changed"
        for name in CAMPAIGN_FIELDS:
            setattr(campaign, name, data[name])
        campaign.save()
        audit_record(
            action=action,
            actor=user,
            municipality_code=campaign.municipality_id or "",
            object_type="campaigns.campaign",
            object_id=str(campaign.public_id),
            data={
                "version": campaign.version,
                **{k: str(data[k]) for k in CAMPAIGN_FIELDS},
            },
        )
    return campaign


def campaign_municipalities(campaign: Campaign) -> list[str]:
    """Where the campaign runs: its municipality, or (national) every one with residents."""
    if campaign.municipality_id:
        return [campaign.municipality_id]
    return sorted(
        set(account_selectors.resident_list().values_list("municipality_id", flat=True).distinct())
    )


# --- eligibility (streaming) -----------------------------------------------------------------


def households_total(campaign: Campaign) -> int:
    residents = account_selectors.resident_list().filter(
        municipality_id__in=campaign_municipalities(campaign)
    )
    return residents.values("household_id").distinct().count()


def eligibility_compute(
    *, campaign: Campaign, progress: Progress = None, batch_size: int = BATCH
) -> int:
    """Entitlement rows for every eligible household, streaming over the registry at the
    基準日 (constant memory). Recomputing before the push replaces the rows; after it, Frozen.
    Returns how many households are eligible."""
    if Campaign.objects.get(pk=campaign.pk).frozen:
        raise Frozen(_("The notices of this benefit were sent: it can no longer change."))
    Entitlement.objects.filter(campaign=campaign).delete()
    rule = campaign.rule
    created = 0
    seen = 0
    pending: list[Entitlement] = []

    def flush() -> None:
        nonlocal created
        if pending:
            with transaction.atomic():
                Entitlement.objects.bulk_create(pending)
            created += len(pending)
            pending.clear()

    for code in campaign_municipalities(campaign):
        for household in linkage_selectors.registry_households_at(
            municipality_code=code, day=campaign.base_date, with_tax=campaign.tax_exempt
        ):
            seen += 1
            assessment = rules.assess(rule, household)
            if assessment.eligible:
                flag, since = _flag_of(household, campaign.base_date)
                pending.append(
                    Entitlement(
                        campaign=campaign,
                        municipality_code=code,
                        household_id=household.household_id,
                        applicant_id=assessment.applicant_id or 0,
                        persons=assessment.persons,
                        children=assessment.children,
                        amount=assessment.amount,
                        flag=flag,
                        flag_since=since,
                    )
                )
                if len(pending) >= batch_size:
                    flush()
            if progress is not None and seen % batch_size == 0:
                progress(seen)
    flush()
    if progress is not None:
        progress(seen)
    Campaign.objects.filter(pk=campaign.pk).update(
        state=CampaignState.COMPUTED, computed_at=timezone.now()
    )
    campaign.refresh_from_db()
    audit_record(
        action="campaign.computed",
        municipality_code=campaign.municipality_id or "",
        object_type="campaigns.campaign",
        object_id=str(campaign.public_id),
        data={"households": seen, "eligible": created, "version": campaign.version},
    )
    return created


def _flag_of(household: Any, base_date: datetime.date) -> tuple[str, datetime.date | None]:
    """What changed since the 基準日 among the members recorded on it, and since when (a death
    outweighs a move; the earliest date of that kind)."""
    deaths = sorted(
        p.deceased_on
        for p in household.members
        if p.recorded and p.deceased_on is not None and p.deceased_on > base_date
    )
    if deaths:
        return Flag.DECEASED, deaths[0]
    moves = sorted(
        p.moved_out_on
        for p in household.members
        if p.recorded and p.moved_out_on is not None and p.moved_out_on > base_date
    )
    if moves:
        return Flag.MOVED_OUT, moves[0]
    return Flag.NONE, None


def flags_refresh(*, campaign: Campaign, progress: Progress = None) -> int:
    """Registry flags for what changed since the 基準日 (moved out, died) and since when,
    streaming; returns how many entitlements are flagged. A decision already taken on a
    household stays (staff see the new flag beside it on the flags page)."""
    entitled = set(
        Entitlement.objects.filter(campaign=campaign).values_list("household_id", flat=True)
    )
    changes: dict[tuple[str, datetime.date | None], list[int]] = {}
    seen = 0
    for code in campaign_municipalities(campaign):
        for household in linkage_selectors.registry_households_at(
            municipality_code=code, day=campaign.base_date
        ):
            seen += 1
            if household.household_id in entitled:
                key = _flag_of(household, campaign.base_date)
                changes.setdefault(key, []).append(household.household_id)
            if progress is not None and seen % BATCH == 0:
                progress(seen)
    flagged = 0
    for (flag, since), ids in changes.items():
        for start in range(0, len(ids), BATCH):
            Entitlement.objects.filter(
                campaign=campaign, household_id__in=ids[start : start + BATCH]
            ).exclude(flag=flag, flag_since=since).update(flag=flag, flag_since=since)
        if flag:
            flagged += len(ids)
    if progress is not None:
        progress(seen)
    return flagged


# --- push ----------------------------------------------------------------------------------


def campaign_push(*, campaign: Campaign, progress: Progress = None) -> int:
    """Send each eligible household's applicant an お知らせ with the amount and the link, and
    freeze the campaign. Idempotent: a re-run sends nothing twice (the notices' dedupe key is
    the entitlement). Returns how many notices were created by this run."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.state == CampaignState.DRAFT:
            raise CampaignError(_("Compute the eligibility first."))
        if locked.state != CampaignState.PUSHED:
            locked.state = CampaignState.PUSHED
            locked.pushed_at = timezone.now()
            locked.save(update_fields=["state", "pushed_at"])
    campaign.refresh_from_db()
    created = 0
    sent = 0

    def counted(n: int) -> None:
        if progress is not None:
            progress(sent + n)

    for code in campaign_municipalities(campaign):
        queryset = Entitlement.objects.filter(campaign=campaign, municipality_code=code)
        created += notify.eligible_bulk(
            campaign=campaign,
            municipality_code=code,
            items=queryset.values_list("pk", "applicant_id", "amount").iterator(chunk_size=BATCH),
            progress=counted,
        )
        sent += queryset.count()
        queryset.filter(state=EntitlementState.ELIGIBLE).update(
            state=EntitlementState.NOTIFIED, notified_at=timezone.now()
        )
    audit_record(
        action="campaign.pushed",
        municipality_code=campaign.municipality_id or "",
        object_type="campaigns.campaign",
        object_id=str(campaign.public_id),
        data={"notices_created": created, "households": sent},
    )
    return created


# --- confirmation (the resident) -------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A bank account as the transfer needs it (from the 公金受取口座 or the short form)."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int
    number: str
    holder_kana: str

    @property
    def holder_display(self) -> str:
        """The holder as people read it (全銀 half-width kana shown full-width: ﾀﾞ → ダ)."""
        return unicodedata.normalize("NFKC", self.holder_kana)

    def as_dict(self) -> dict[str, Any]:
        return {
            "bank_code": self.bank_code,
            "bank_name": self.bank_name,
            "branch_code": self.branch_code,
            "branch_name": self.branch_name,
            "account_type": self.account_type,
            "number": self.number,
            "holder_kana": self.holder_kana,
        }


def may_confirm(*, entitlement: Entitlement, resident: Resident) -> str:
    """ "" if `resident` may confirm this entitlement, else why not (Japanese)."""
    from .types import Applicant

    campaign = entitlement.campaign
    if entitlement.household_id != resident.household_id:
        return _("This benefit is for another household.")
    if entitlement.decision == Decision.REFUSE:
        return _(
            "The municipality decided not to pay this benefit to your household: %(reason)s"
        ) % {"reason": entitlement.decision_reason}
    if campaign.applicant == Applicant.HOUSEHOLDER and entitlement.applicant_id != resident.pk:
        return _("Only the head of household can confirm this benefit.")
    if rules.age_on(resident.birth_date, timezone.localdate()) < rules.ADULT_AGE:
        return _("An adult of the household has to confirm this benefit.")
    today = timezone.localdate()
    if today < campaign.opens_on:
        return _("Confirmation opens on %(date)s.") % {
            "date": campaign.opens_on.strftime("%Y-%m-%d")
        }
    if today > campaign.closes_on:
        return _("Confirmation closed on %(date)s.") % {
            "date": campaign.closes_on.strftime("%Y-%m-%d")
        }
    return ""


def confirmation_payload(
    *, entitlement: Entitlement, resident: Resident, account: Account, signed_at: datetime.datetime
) -> bytes:
    """What the resident signs: the 確認書 (benefit, household, amount, account, time)."""
    return bytes(
        rfc8785.dumps(
            {
                "type": "madoguchi.campaigns.confirmation/v1",
                "campaign": str(entitlement.campaign.public_id),
                "campaign_version": entitlement.campaign.version,
                "entitlement": entitlement.pk,
                "resident": str(resident.subject),
                "amount": entitlement.amount,
                "account": account.as_dict(),
                "signed_at": signed_at.isoformat(),
            }
        )
    )


def entitlement_confirm(
    *,
    entitlement: Entitlement,
    resident: Resident,
    account: Account,
    method: str,
    pin: str,
    ip_address: str | None = None,
) -> Entitlement:
    """Sign the 確認書 with the card and confirm — once: the write is a conditional UPDATE of
    the household's one entitlement row, so a second device (or a double click) finds it
    confirmed and stores nothing (AlreadyConfirmed). Raises the signer's errors (PinIncorrect…)
    and NotAllowed."""
    refused = may_confirm(entitlement=entitlement, resident=resident)
    if refused:
        raise NotAllowed(refused)
    if entitlement.state not in OPEN_STATES:
        raise AlreadyConfirmed(_("This benefit has already been confirmed."))
    signed_at = timezone.now().replace(microsecond=0)
    payload = confirmation_payload(
        entitlement=entitlement, resident=resident, account=account, signed_at=signed_at
    )
    cms_der = signature_services.signature_sign(resident=resident, payload=payload, pin=pin)
    checked = signature_services.signature_check(
        payload=payload, cms_der=cms_der, expected_resident=resident
    )
    if checked.outcome != Outcome.VALID:
        raise NotAllowed(
            _("The signature could not be verified: %(detail)s") % {"detail": checked.detail}
        )
    with transaction.atomic():
        evidence = signature_services.signature_evidence_store(checked=checked)
        updated = Entitlement.objects.filter(pk=entitlement.pk, state__in=OPEN_STATES).update(
            state=EntitlementState.CONFIRMED,
            confirmed_at=signed_at,
            confirmed_by=resident,
            method=method,
            account=account.as_dict(),
            evidence_id=evidence.public_id,
            failure_reason="",
        )
        if not updated:
            transaction.set_rollback(True)
            raise AlreadyConfirmed(_("This benefit has already been confirmed."))
        audit_record(
            action="campaign.confirmed",
            actor=resident.user,
            municipality_code=entitlement.municipality_code,
            object_type="campaigns.entitlement",
            object_id=str(entitlement.pk),
            ip_address=ip_address,
            data={
                "method": method,
                "amount": entitlement.amount,
                "evidence": str(evidence.public_id),
            },
        )
    entitlement.refresh_from_db()
    return entitlement


# --- approval (four eyes) ---------------------------------------------------------------------


def approval_request(
    *, campaign: Campaign, municipality_code: str, user: User
) -> ApprovalBatch | None:
    """Put every confirmed entitlement not yet in a batch into one batch waiting for a second
    person's confirmation: unflagged ones, and flagged ones staff decided to pay (支給する).
    None if there is nothing to approve."""
    with transaction.atomic():
        batch = ApprovalBatch.objects.create(
            campaign=campaign, municipality_code=municipality_code, requested_by=user
        )
        eligible = Entitlement.objects.filter(
            Q(flag=Flag.NONE) | Q(decision=Decision.PAY),
            campaign=campaign,
            municipality_code=municipality_code,
            state=EntitlementState.CONFIRMED,
            batch__isnull=True,
        ).exclude(decision=Decision.REFUSE)
        count = eligible.update(batch=batch)
        if not count:
            transaction.set_rollback(True)
            return None
        total = Entitlement.objects.filter(batch=batch).aggregate(s=Sum("amount"))["s"] or 0
        batch.count, batch.amount = count, total
        batch.save(update_fields=["count", "amount"])
        audit_record(
            action="campaign.approval_requested",
            actor=user,
            municipality_code=municipality_code,
            object_type="campaigns.batch",
            object_id=str(batch.pk),
            data={"campaign": str(campaign.public_id), "count": count, "amount": total},
        )
    return batch


def approval_confirm(*, batch: ApprovalBatch, user: User) -> int:
    """The second person approves the batch: its entitlements become approved. The one who
    asked cannot confirm (four eyes; also a check constraint)."""
    if batch.requested_by_id == user.pk:
        raise NotAllowed(
            _("A second staff member has to confirm this batch: you asked for its approval.")
        )
    with transaction.atomic():
        locked = ApprovalBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.confirmed_at is not None:
            raise AlreadyConfirmed(_("This batch has already been approved."))
        if locked.withdrawn_at is not None:
            raise NotAllowed(_("This batch was withdrawn: put the households into a new batch."))
        locked.confirmed_by = user
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_by", "confirmed_at"])
        approved = Entitlement.objects.filter(
            batch=locked, state=EntitlementState.CONFIRMED
        ).update(state=EntitlementState.APPROVED, approved_at=locked.confirmed_at)
        audit_record(
            action="campaign.approved",
            actor=user,
            municipality_code=locked.municipality_code,
            object_type="campaigns.batch",
            object_id=str(locked.pk),
            data={"count": approved, "requested_by": locked.requested_by_id},
        )
    return approved


# --- payment file ------------------------------------------------------------------------------


PAYER_FIELDS = (
    "requester_code",
    "requester_name_kana",
    "bank_code",
    "branch_code",
    "account_type",
    "account_number",
)


def payment_file_create(
    *,
    campaign: Campaign,
    municipality_code: str,
    user: User,
    transfer_date: datetime.date,
    payer: dict[str, Any],
) -> PaymentFile | None:
    """One payment per approved entitlement not yet paid, in one new transfer file (None if
    there is none). The payments are the record of what was sent; the file itself is written
    from them (payment_file_write) each time it is downloaded."""
    with transaction.atomic():
        payment_file = PaymentFile.objects.create(
            campaign=campaign,
            municipality_code=municipality_code,
            created_by=user,
            transfer_date=transfer_date,
            payer=payer,
        )
        approved = Entitlement.objects.filter(
            campaign=campaign, municipality_code=municipality_code, state=EntitlementState.APPROVED
        ).values_list("pk", "amount")
        count = total = 0
        batch: list[Payment] = []
        for pk, amount in approved.iterator(chunk_size=BATCH):
            batch.append(Payment(entitlement_id=pk, payment_file=payment_file, amount=amount))
            count += 1
            total += amount
            if len(batch) >= BATCH:
                Payment.objects.bulk_create(batch)
                batch.clear()
        Payment.objects.bulk_create(batch)
        if not count:
            transaction.set_rollback(True)
            return None
        Entitlement.objects.filter(
            pk__in=Payment.objects.filter(payment_file=payment_file).values("entitlement_id")
        ).update(state=EntitlementState.PAID)
        payment_file.count, payment_file.amount = count, total
        payment_file.save(update_fields=["count", "amount"])
        audit_record(
            action="campaign.payment_file_created",
            actor=user,
            municipality_code=municipality_code,
            object_type="campaigns.payment_file",
            object_id=str(payment_file.public_id),
            data={"count": count, "amount": total, "transfer_date": transfer_date.isoformat()},
        )
    return payment_file


def _kana(text: str) -> str:
    return zengin.to_zengin_kana(text)


def _header(payment_file: PaymentFile) -> zengin.TransferHeader:
    payer = payment_file.payer
    bank = zengin.bank(payer["bank_code"])
    branch = zengin.branch(payer["bank_code"], payer["branch_code"])
    return zengin.TransferHeader(
        requester_code=payer["requester_code"],
        requester_name_kana=_kana(payer["requester_name_kana"]),
        transfer_date=payment_file.transfer_date,
        bank_code=payer["bank_code"],
        bank_name_kana=_kana(bank.kana) if bank else "",
        branch_code=payer["branch_code"],
        branch_name_kana=_kana(branch.kana) if branch else "",
        account_type=int(payer["account_type"]),
        account_number=payer["account_number"],
    )


def _records(payment_file: PaymentFile) -> Iterator[zengin.TransferRecord]:
    names: dict[tuple[str, str], tuple[str, str]] = {}
    rows = (
        Payment.objects.filter(payment_file=payment_file)
        .order_by("pk")
        .values_list("entitlement_id", "amount", "entitlement__account")
    )
    for entitlement_id, amount, account in rows.iterator(chunk_size=BATCH):
        assert account is not None  # an approved entitlement has its confirmed account
        key = (account["bank_code"], account["branch_code"])
        if key not in names:
            bank = zengin.bank(key[0])
            branch = zengin.branch(*key)
            names[key] = (
                _kana(bank.kana) if bank else "",
                _kana(branch.kana) if branch else "",
            )
        bank_kana, branch_kana = names[key]
        yield zengin.TransferRecord(
            bank_code=account["bank_code"],
            bank_name_kana=bank_kana,
            branch_code=account["branch_code"],
            branch_name_kana=branch_kana,
            account_type=int(account["account_type"]),
            account_number=account["number"],
            recipient_kana=account["holder_kana"],
            amount=amount,
            customer_code=f"{entitlement_id:010d}",
        )


def payment_file_write(*, payment_file: PaymentFile, out: BinaryIO) -> zengin.TransferTotals:
    """Write the 全銀協 総合振込 file of these payments (streaming: constant memory)."""
    return zengin.write_transfer_file(_header(payment_file), _records(payment_file), out)


def payment_file_downloaded(
    *, payment_file: PaymentFile, user: User, ip_address: str | None
) -> None:
    """Record the download (the first one sets downloaded_at: from then on a cancellation needs
    the tick box and the day before the 振込指定日). A cancelled file is not handed out: the
    check and the mark are one conditional UPDATE, so a cancel at the same moment either comes
    first (NotAllowed here) or sees the file downloaded."""
    now = timezone.now()
    marked = PaymentFile.objects.filter(pk=payment_file.pk, cancelled_at__isnull=True).update(
        downloaded_at=Coalesce("downloaded_at", Value(now))
    )
    if not marked:
        raise NotAllowed(_("This transfer file was cancelled: it can no longer be downloaded."))
    audit_record(
        action="campaign.payment_file_downloaded",
        actor=user,
        municipality_code=payment_file.municipality_code,
        object_type="campaigns.payment_file",
        object_id=str(payment_file.public_id),
        ip_address=ip_address,
        data={"count": payment_file.count, "amount": payment_file.amount},
    )


@dataclass
class UnpaidImport:
    failed: int = 0
    unknown: list[str] | None = None  # customer codes matching no paid payment


def unpaid_import(
    *, campaign: Campaign, municipality_code: str, fp: BinaryIO, user: User
) -> UnpaidImport:
    """Read a 振込不能 result file: exactly the payments it names become failed, their
    entitlements re-open (a new account is needed) and the resident gets an お知らせ. Raises
    zengin.ZenginFormatError for a malformed file (nothing is changed then)."""
    results = list(zengin.parse_unpaid_results(fp))  # all-or-nothing: check the whole file first
    outcome = UnpaidImport(unknown=[])
    now = timezone.now()
    files: set[int] = set()
    with transaction.atomic():
        for result in results:
            code = result.customer_code.strip()
            payment = (
                Payment.objects.select_for_update()
                .filter(
                    entitlement__campaign=campaign,
                    entitlement__municipality_code=municipality_code,
                    entitlement_id=int(code) if code.isdigit() else -1,
                    state=PaymentState.PAID,
                    amount=result.amount,
                )
                .select_related("entitlement")
                .first()
            )
            if payment is None:
                assert outcome.unknown is not None
                outcome.unknown.append(code)
                continue
            payment.state = PaymentState.FAILED
            payment.failed_at = now
            payment.reason_code = str(result.reason_code)[:4]
            payment.reason = str(result.reason)[:128]
            payment.save(update_fields=["state", "failed_at", "reason_code", "reason"])
            entitlement = payment.entitlement
            Entitlement.objects.filter(pk=entitlement.pk).update(
                state=EntitlementState.FAILED,
                failed_at=now,
                failure_reason=payment.reason,
                account=None,
                batch=None,
                approved_at=None,
            )
            notify.payment_failed(entitlement=entitlement, payment_id=payment.pk)
            outcome.failed += 1
            files.add(payment.payment_file_id)
        # The bank answered for these files: they were sent, whatever staff marked (a cancel
        # would pay the others twice).
        PaymentFile.objects.filter(
            pk__in=files, sent_at__isnull=True, cancelled_at__isnull=True
        ).update(sent_at=now, sent_by=user)
        audit_record(
            action="campaign.unpaid_imported",
            actor=user,
            municipality_code=municipality_code,
            object_type="campaigns.campaign",
            object_id=str(campaign.public_id),
            data={"failed": outcome.failed, "unknown": (outcome.unknown or [])[:50]},
        )
    return outcome


# --- staff decisions on flagged households -------------------------------------------------------


def flag_decide(
    *,
    entitlement: Entitlement,
    decision: str,
    reason: str,
    user: User,
    ip_address: str | None = None,
) -> Entitlement:
    """支給する or 支給しない (with a reason) for a flagged household, after the push. It can
    be changed until the entitlement is in an approved batch; a refusal takes it out of a batch
    still waiting for approval and sends the household an お知らせ with the reason, and a
    refusal reversed to 支給する sends another saying so. The
    entitlement and its batch are locked, so an approval at the same moment comes first or
    after, never half."""
    reason = reason.strip()
    if decision not in (Decision.PAY, Decision.REFUSE):
        raise CampaignError(_("Choose whether to pay."), field="decision")
    if decision == Decision.REFUSE and not reason:
        raise CampaignError(_("Enter why this household is not paid."), field="reason")
    with transaction.atomic():
        locked = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
        campaign = Campaign.objects.get(pk=locked.campaign_id)
        if campaign.state != CampaignState.PUSHED:
            raise NotAllowed(_("Decisions on flagged households are made after the notices."))
        if locked.flag == Flag.NONE and locked.decision == Decision.NONE:
            raise NotAllowed(_("This household is not flagged."))
        batch = (
            ApprovalBatch.objects.select_for_update().get(pk=locked.batch_id)
            if locked.batch_id
            else None
        )
        if (batch is not None and batch.confirmed_at is not None) or locked.state in (
            EntitlementState.APPROVED,
            EntitlementState.PAID,
        ):
            raise NotAllowed(
                _("This household is in an approved batch: the decision can no longer change.")
            )
        now = timezone.now()
        previous = locked.decision
        locked.decision = decision
        locked.decision_reason = reason if decision == Decision.REFUSE else ""
        locked.decided_by = user
        locked.decided_at = now
        fields = ["decision", "decision_reason", "decided_by", "decided_at"]
        if decision == Decision.REFUSE and batch is not None:
            batch.count -= 1
            batch.amount -= locked.amount
            batch.save(update_fields=["count", "amount"])
            locked.batch = None
            fields.append("batch")
        locked.save(update_fields=fields)
        audit_record(
            action="campaign.flag_decided",
            actor=user,
            municipality_code=locked.municipality_code,
            object_type="campaigns.entitlement",
            object_id=str(locked.pk),
            ip_address=ip_address,
            data={
                "campaign": str(campaign.public_id),
                "flag": locked.flag,
                "decision": decision,
                "previous": previous,
                "reason": locked.decision_reason,
                "left_batch": batch.pk if batch is not None and locked.batch_id is None else None,
            },
        )
        if decision == Decision.REFUSE:
            locked.campaign = campaign
            notify.refused(entitlement=locked, decided_at=now)
        elif previous == Decision.REFUSE:
            # The household was told 支給しない: tell it the refusal no longer stands.
            locked.campaign = campaign
            notify.reinstated(entitlement=locked, decided_at=now)
    return locked


# --- undo ------------------------------------------------------------------------------------


def approval_withdraw(*, batch: ApprovalBatch, user: User) -> int:
    """Withdraw a batch still waiting for the second person: its entitlements leave it (and wait
    for a new batch). Whoever asked, or the second person declining, may do it: nothing is
    approved by it, so four eyes stay intact. Locked like approval_confirm, so the two cannot
    both happen. Returns how many households left the batch."""
    with transaction.atomic():
        locked = ApprovalBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.confirmed_at is not None:
            raise NotAllowed(
                _("This batch has already been approved: it can no longer be withdrawn.")
            )
        if locked.withdrawn_at is not None:
            raise AlreadyConfirmed(_("This batch has already been withdrawn."))
        locked.withdrawn_by = user
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_by", "withdrawn_at"])
        released = Entitlement.objects.filter(
            batch=locked, state=EntitlementState.CONFIRMED
        ).update(batch=None)
        audit_record(
            action="campaign.approval_withdrawn",
            actor=user,
            municipality_code=locked.municipality_code,
            object_type="campaigns.batch",
            object_id=str(locked.pk),
            data={"count": released, "requested_by": locked.requested_by_id},
        )
    return released


def payment_file_cancellable(payment_file: PaymentFile) -> str:
    """ "" if the file may be cancelled now (downloaded: also the tick box), else why not."""
    if payment_file.cancelled_at is not None:
        return _("This transfer file has already been cancelled.")
    if payment_file.sent_at is not None:
        return _(
            "This transfer file was marked as sent to the bank: it can no longer be cancelled."
        )
    if (
        payment_file.downloaded_at is not None
        and timezone.localdate() >= payment_file.transfer_date
    ):
        return _(
            "This transfer file was downloaded and its transfer date is %(date)s: it can be "
            "cancelled only until the day before."
        ) % {"date": payment_file.transfer_date.strftime("%Y-%m-%d")}
    return ""


def payment_file_cancel(*, payment_file: PaymentFile, user: User, not_sent_confirmed: bool) -> int:
    """Cancel a transfer file: its payments become voided and their entitlements approved
    again, to be paid in a new file. Not downloaded: until it is marked as sent. Downloaded:
    until the day before the 振込指定日, and only with the tick box 「銀行に送っていないことを
    確認しました」. Sent: never. The file row is locked, so a cancel, a mark-as-sent and a second
    cancel at the same moment give one outcome. Returns how many payments were voided."""
    with transaction.atomic():
        locked = PaymentFile.objects.select_for_update().get(pk=payment_file.pk)
        why_not = payment_file_cancellable(locked)
        if why_not:
            raise NotAllowed(why_not)
        if locked.downloaded_at is not None and not not_sent_confirmed:
            raise CampaignError(
                _("This file was downloaded: confirm that it was not sent to the bank."),
                field="not_sent",
            )
        now = timezone.now()
        updated = PaymentFile.objects.filter(
            pk=locked.pk, cancelled_at__isnull=True, sent_at__isnull=True
        ).update(cancelled_at=now, cancelled_by=user)
        if not updated:  # pragma: no cover - the row lock makes this the same check
            raise NotAllowed(_("This transfer file has already been cancelled."))
        paid = Payment.objects.filter(payment_file=locked, state=PaymentState.PAID)
        entitlement_ids = list(paid.values_list("entitlement_id", flat=True))
        voided = paid.update(state=PaymentState.VOIDED)
        for start in range(0, len(entitlement_ids), BATCH):
            Entitlement.objects.filter(
                pk__in=entitlement_ids[start : start + BATCH], state=EntitlementState.PAID
            ).update(state=EntitlementState.APPROVED)
        audit_record(
            action="campaign.payment_file_cancelled",
            actor=user,
            municipality_code=locked.municipality_code,
            object_type="campaigns.payment_file",
            object_id=str(locked.public_id),
            data={
                "voided": voided,
                "downloaded": locked.downloaded_at is not None,
                "not_sent_confirmed": bool(not_sent_confirmed),
            },
        )
    return voided


def payment_file_mark_sent(*, payment_file: PaymentFile, user: User) -> None:
    """銀行へ送信済みにする: from then on the file can never be cancelled. A conditional UPDATE:
    a cancel at the same moment wins or loses as a whole."""
    with transaction.atomic():
        updated = PaymentFile.objects.filter(
            pk=payment_file.pk, cancelled_at__isnull=True, sent_at__isnull=True
        ).update(sent_at=timezone.now(), sent_by=user)
        if not updated:
            current = PaymentFile.objects.get(pk=payment_file.pk)
            if current.cancelled_at is not None:
                raise NotAllowed(_("This transfer file was cancelled: it cannot be sent."))
            raise AlreadyConfirmed(_("This transfer file is already marked as sent."))
        audit_record(
            action="campaign.payment_file_sent",
            actor=user,
            municipality_code=payment_file.municipality_code,
            object_type="campaigns.payment_file",
            object_id=str(payment_file.public_id),
            data={"count": payment_file.count, "amount": payment_file.amount},
        )
