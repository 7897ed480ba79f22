"""Turn each new outbox message into webhook deliveries, in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from madoguchi.applications.retention import application_anonymised
from madoguchi.core.generations import bump
from madoguchi.reception import webhooks
from madoguchi.reception.models import CaseComment, CaseFile, WebhookEndpoint

if TYPE_CHECKING:
    from madoguchi.applications.models import Application, OutboxMessage


# The sender by label: reception does not import another app's models (docs/architecture.md).
@receiver(
    post_save, sender="applications.OutboxMessage", dispatch_uid="reception_outbox_to_webhooks"
)
def _outbox_written(sender: Any, instance: OutboxMessage, created: bool, **kwargs: Any) -> None:
    if created:
        webhooks.enqueue_on_commit(webhooks.deliveries_create_for(message=instance))


@receiver(post_save, sender=WebhookEndpoint, dispatch_uid="reception_endpoint_saved")
@receiver(post_delete, sender=WebhookEndpoint, dispatch_uid="reception_endpoint_deleted")
def _endpoints_changed(sender: Any, **kwargs: Any) -> None:
    bump(webhooks.ENDPOINTS_GENERATION)


@receiver(
    application_anonymised,
    sender="applications.Application",
    dispatch_uid="reception_application_anonymised",
)
def _application_anonymised(sender: Any, application: Application, **kwargs: Any) -> None:
    """The retention period ran out (docs/retention.md): erase reception's copy of names and the
    staff comments (free text about the person); the assignment and dates stay."""
    CaseComment.objects.filter(application=application).delete()
    CaseFile.objects.filter(application=application).update(
        applicant_name="", applicant_kana="", search_text="", synced_at=application.updated_at
    )
