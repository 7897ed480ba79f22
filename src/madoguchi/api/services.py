"""Writes of the api app: clients, keys (issue, rotate, revoke) and the demo client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from madoguchi.api import conf
from madoguchi.api.keys import credential_cache, key_demo, key_new, key_prefix, key_sha256
from madoguchi.api.models import ApiClient, ApiKey, Mode, Scope
from madoguchi.audit.services import audit_record

DEMO_CLIENT_ID = "demo-portal"


class ClientError(ValueError):
    """A registration the operator must correct (message in English: operators' tooling)."""


@dataclass(frozen=True)
class IssuedKey:
    """A freshly issued key: `raw` is shown once and never stored."""

    key: ApiKey
    raw: str


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    names = sorted(set(scopes))
    unknown = [name for name in names if name not in Scope.values]
    if unknown or not names:
        raise ClientError(f"scopes must be among {', '.join(Scope.values)}; got {names}")
    return names


def _check_rate(rate: str) -> str:
    if not rate:
        return ""
    count, _, period = rate.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in {"second", "minute", "hour", "day"}:
        raise ClientError(f"rate must look like 600/minute (or be empty); got {rate!r}")
    return rate


@transaction.atomic
def api_client_create(
    *,
    client_id: str,
    name: str,
    scopes: Iterable[str],
    contact_email: str = "",
    rate: str | None = None,
    reception_municipality_codes: Iterable[str] = (),
    actor_label: str = "",
) -> tuple[ApiClient, IssuedKey, IssuedKey]:
    """Register a client with one test and one live key (the raw keys are returned once)."""
    if ApiClient.objects.filter(client_id=client_id).exists():
        raise ClientError(f"client {client_id!r} already exists")
    client = ApiClient.objects.create(
        client_id=client_id,
        name=name,
        contact_email=contact_email,
        scopes=_check_scopes(scopes),
        rate=_check_rate(conf.default_rate() if rate is None else rate),
        reception_municipality_codes=sorted(set(reception_municipality_codes)),
    )
    audit_record(
        action="api.client_created",
        actor_label=actor_label,
        object_type="api_client",
        object_id=client.client_id,
        data={"scopes": client.scopes, "rate": client.rate},
    )
    test = api_key_issue(client=client, mode=Mode.TEST, actor_label=actor_label)
    live = api_key_issue(client=client, mode=Mode.LIVE, actor_label=actor_label)
    return client, test, live


def api_key_issue(
    *, client: ApiClient, mode: str, label: str = "", actor_label: str = "", raw: str = ""
) -> IssuedKey:
    """A new key for `client`. Existing keys stay valid until revoked: that is a rotation."""
    if mode not in Mode.values:
        raise ClientError(f"mode must be test or live; got {mode!r}")
    raw = raw or key_new(mode)
    key = ApiKey.objects.create(
        client=client, mode=mode, prefix=key_prefix(raw), key_sha256=key_sha256(raw), label=label
    )
    audit_record(
        action="api.key_issued",
        actor_label=actor_label,
        object_type="api_key",
        object_id=str(key.pk),
        data={"client": client.client_id, "mode": mode, "prefix": key.prefix},
    )
    return IssuedKey(key=key, raw=raw)


def api_key_revoke(*, key: ApiKey, actor_label: str = "") -> ApiKey:
    """Stop accepting `key`: at once in this process, in others within API_KEY_CACHE_SECONDS."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            action="api.key_revoked",
            actor_label=actor_label,
            object_type="api_key",
            object_id=str(key.pk),
            data={"client": key.client.client_id, "mode": key.mode, "prefix": key.prefix},
        )
    credential_cache.clear()
    return key


def api_client_set_active(*, client: ApiClient, active: bool, actor_label: str = "") -> ApiClient:
    client.is_active = active
    client.save(update_fields=["is_active"])
    audit_record(
        action="api.client_activated" if active else "api.client_deactivated",
        actor_label=actor_label,
        object_type="api_client",
        object_id=client.client_id,
    )
    credential_cache.clear()
    return client


@transaction.atomic
def api_demo_key() -> str:
    """The demo portal's test key (development only): created on the first call, the same key
    on every later call."""
    client = ApiClient.objects.filter(client_id=DEMO_CLIENT_ID).first()
    if client is None:
        client = ApiClient.objects.create(
            client_id=DEMO_CLIENT_ID,
            name="Demo portal",
            scopes=[Scope.SEARCH, Scope.APPLY],
            rate=conf.default_rate(),
        )
    raw = key_demo(Mode.TEST)
    key = ApiKey.objects.filter(key_sha256=key_sha256(raw)).first()
    if key is None or key.revoked_at is not None or not client.is_active:
        if key is not None:
            key.delete()  # a revoked demo key comes back: it is development data
        client.is_active = True
        client.save(update_fields=["is_active"])
        api_key_issue(client=client, mode=Mode.TEST, label="demo", raw=raw)
        credential_cache.clear()
    return raw
