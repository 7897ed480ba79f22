"""Background work of the reception, run by the django-tasks worker (`manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from madoguchi.reception import webhooks
from madoguchi.reception.models import DeliveryStatus


@task()
def webhook_deliver(*, delivery_id: int) -> str:
    """One attempt; a failure re-enqueues itself to run after the backoff delay, so retries
    need no separate scheduler (`reception_webhooks_sweep` catches up after an outage)."""
    delivery = webhooks.delivery_attempt(delivery_id=delivery_id)
    retry = delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    # A backend that cannot defer (the immediate one of tests) leaves retries to the sweep.
    if retry and webhook_deliver.get_backend().supports_defer:
        webhook_deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery_id=delivery_id)
    return str(delivery.status)
