"""The key that makes "one application per resident (or household)" hold.

One place for its format: the submission services store it in Application.dedupe_key (unique,
so of concurrent submissions exactly one is received), and the selectors look it up to tell a
resident before they start that they have already applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident


def dedupe_key_for(
    *, municipality_code: str, procedure_code: str, resident: Resident | None
) -> str | None:
    """The key an application of `resident` for this offering would hold, or None when the
    offering allows any number of applications (or the applicant is not a known resident)."""
    from madoguchi.catalog.selectors import offering_application_limit
    from madoguchi.catalog.types import ApplicationLimit

    if resident is None:
        return None
    limit = offering_application_limit(
        municipality_code=municipality_code, procedure_code=procedure_code
    )
    if not limit:
        return None
    base = f"{municipality_code}:{procedure_code}"
    if limit == ApplicationLimit.HOUSEHOLD:
        return f"{base}:household:{resident.household_id}"
    return f"{base}:resident:{resident.pk}"
