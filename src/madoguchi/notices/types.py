"""Types of the notices app that other apps may use: the delivery states and channels, and the
shapes of the template and segment registries."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("notices", "E-mail")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("notices", "Queued")
    # Claimed by a worker and being handed to the mail server (docs/adr: delivery semantics).
    SENDING = "sending", pgettext_lazy("notices", "Sending")
    SENT = "sent", pgettext_lazy("notices", "Sent")
    # The last attempt failed: retried at `next_attempt_at`, or given up when that is empty.
    FAILED = "failed", pgettext_lazy("notices", "Failed")


@dataclass(frozen=True)
class TemplateSpec:
    """A notice template declared by the app that sends it (notices.registry.template_register).

    `subject` and `body` are gettext_lazy msgids, so the platform wording comes in the
    resident's language; `{variable}` placeholders name entries of `variables` only."""

    code: str
    subject: Any  # str or a lazy translation
    body: Any
    variables: tuple[str, ...]
    samples: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    """A group of a municipality's residents staff may send a notice to.

    `resolver(municipality_id)` yields resident ids; a segment with `choices` (e.g. "residents
    with an open application of procedure X") is resolved as `resolver(municipality_id, value)`
    with one of `choices(municipality_id)`'s values."""

    code: str
    label: Any
    resolver: Callable[..., Iterable[int]]
    choices: Callable[[str], list[tuple[str, str]]] | None = None
    choice_label: Any = ""


@dataclass(frozen=True)
class InboxItem:
    id: int
    subject: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
