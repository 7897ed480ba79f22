"""Shared by the campaign commands: find the campaign by its public id."""

from __future__ import annotations

import uuid

from django.core.management.base import CommandError

from madoguchi.campaigns.models import Campaign


def campaign_arg(value: str) -> Campaign:
    try:
        return Campaign.objects.get(public_id=uuid.UUID(value))
    except (ValueError, Campaign.DoesNotExist) as error:
        raise CommandError(f"no campaign {value}") from error
