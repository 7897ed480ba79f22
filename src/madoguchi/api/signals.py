"""Queue the portal's webhook delivery with an arrival's outcome, in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.dispatch import receiver

from madoguchi.api import webhooks
from madoguchi.applications.arrivals import arrival_finished

if TYPE_CHECKING:
    from madoguchi.applications.models import Arrival


# Any sender: only applications sends it (the api app imports no other app's models at run time).
@receiver(arrival_finished, dispatch_uid="api_arrival_finished_webhook")
def _arrival_finished(sender: Any, arrival: Arrival, **kwargs: Any) -> None:
    webhooks.delivery_queue_for(arrival)
