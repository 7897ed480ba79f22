"""The notices app's own template and segment (staff messages to all residents with an
account); other apps register theirs in their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from madoguchi.accounts import selectors as account_selectors
from madoguchi.notices.registry import segment_register, template_register

STAFF_TEMPLATE = "notices.staff_message"


def residents_with_account(municipality_id: str) -> Iterable[int]:
    return account_selectors.resident_ids_with_account(municipality_code=municipality_id).iterator(
        chunk_size=2000
    )


def register() -> None:
    template_register(
        STAFF_TEMPLATE,
        subject="{subject}",
        body="{body}",
        variables=["subject", "body"],
        samples={"subject": "…", "body": "…"},
    )
    segment_register(
        "all_with_account",
        _("All residents who have signed in to Madoguchi"),
        residents_with_account,
    )
