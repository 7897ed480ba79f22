"""Writes of the notices app: sending notices (one, or 45,000 streamed), reading them, and the
municipality's own wording of a template.

Idempotency is the `dedupe_key` unique constraint: a send that is re-run (a crashed batch, a
retried task, a double click on "send") finds the notice it made before and queues nothing.
The e-mail is a Delivery row and a task enqueued in the same transaction as the notice (the
django-tasks database backend writes the task as a row, so both commit or neither does);
madoguchi.notices.delivery sends it (docs/notices.md, ADR 0012).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from madoguchi.accounts import selectors as account_selectors
from madoguchi.audit.services import audit_record
from madoguchi.core.i18n import languages_of
from madoguchi.notices import builtin, delivery, rendering
from madoguchi.notices.models import Delivery, Notice, TemplateOverride
from madoguchi.notices.registry import template_get
from madoguchi.notices.selectors import segment_residents
from madoguchi.notices.types import Channel, TemplateSpec

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Item = tuple[int, Mapping[str, str], str, str]
T = TypeVar("T")


def link_is_safe(link: str) -> bool:
    """A notice links to a page of this site only: a path, never another host."""
    return link == "" or (link.startswith("/") and not link.startswith("//") and "\\" not in link)


def _wording(municipality_id: str | None, spec: TemplateSpec) -> tuple[str | None, str | None]:
    if not municipality_id:
        return None, None
    row = (
        TemplateOverride.objects.filter(municipality_id=municipality_id, code=spec.code)
        .values_list("subject", "body")
        .first()
    )
    return row if row else (None, None)


def _render(
    spec: TemplateSpec,
    override: tuple[str | None, str | None],
    context: Mapping[str, str],
    language: str,
) -> tuple[str, str]:
    """Subject and body in `language`: the municipality's wording if it has one (as written,
    whatever the language), else the platform's msgids through gettext."""
    subject_text, body_text = override
    with translation.override(language):
        subject = rendering.render(subject_text or str(spec.subject), context, spec.variables)
        body = rendering.render(body_text or str(spec.body), context, spec.variables)
    return subject[:200], body


def notice_send(
    *,
    resident_id: int,
    municipality_id: str | None,
    template: str,
    context: Mapping[str, str],
    dedupe_key: str,
    link: str = "",
    email: bool = True,
) -> int:
    """The in-app notice (and its e-mail, queued in the same transaction); returns its id.

    Idempotent on `dedupe_key`: a second call returns the first notice's id and sends nothing."""
    existing = Notice.objects.filter(dedupe_key=dedupe_key).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    if not link_is_safe(link):
        raise ValueError(f"a notice links to a path of this site, not {link!r}")
    spec = template_get(template)
    contacts = account_selectors.resident_contacts(resident_ids=[resident_id])
    if resident_id not in contacts:
        raise LookupError(f"no resident {resident_id}")
    _municipality, user_id, address = contacts[resident_id]
    language = (
        languages_of(user_ids=[user_id]).get(user_id, settings.LANGUAGE_CODE)
        if user_id is not None
        else settings.LANGUAGE_CODE
    )
    subject, body = _render(spec, _wording(municipality_id, spec), context, language)
    with transaction.atomic():
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    resident_id=resident_id,
                    municipality_id=municipality_id or None,
                    template=template,
                    language=language,
                    subject=subject,
                    body=body,
                    link=link,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            # A concurrent send with the same key won: its notice is the one.
            return Notice.objects.values_list("pk", flat=True).get(dedupe_key=dedupe_key)
        if email and address:
            queued = Delivery.objects.create(
                notice=notice, channel=Channel.EMAIL, address=address, next_attempt_at=None
            )
            delivery.enqueue([queued.pk])
    return notice.pk


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def notices_send_bulk(
    *,
    municipality_id: str | None,
    template: str,
    items: Iterable[tuple[int, Mapping[str, str], str, str]],
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Send many notices: items are (resident_id, context, dedupe_key, link).

    Streams: `items` is consumed `batch_size` at a time (a generator of 45,000 households is
    never held whole), each batch in one transaction with one enqueued e-mail task. Keys that
    exist are skipped, so a re-run after a crash sends only what is missing. `progress` gets the
    number of items handled so far after each batch. Returns how many notices were created."""
    spec = template_get(template)
    override = _wording(municipality_id, spec)
    created = 0
    handled = 0
    for batch in _batched(items, batch_size):
        created += _send_batch(municipality_id, spec, override, batch)
        handled += len(batch)
        if progress is not None:
            progress(handled)
    return created


def _send_batch(
    municipality_id: str | None,
    spec: TemplateSpec,
    override: tuple[str | None, str | None],
    batch: list[Item],
) -> int:
    keys = [key for _resident, _context, key, _link in batch]
    seen = set(Notice.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    fresh: list[Item] = []
    for item in batch:
        if item[2] not in seen:
            seen.add(item[2])  # the same key twice in one batch: the first wins
            fresh.append(item)
    if not fresh:
        return 0
    contacts = account_selectors.resident_contacts(resident_ids={item[0] for item in fresh})
    user_ids = {contacts[r][1] for r, *_rest in fresh if r in contacts and contacts[r][1]}
    languages = languages_of(user_ids=[u for u in user_ids if u is not None])
    notices: list[Notice] = []
    addresses: list[str] = []
    for resident_id, context, key, link in fresh:
        if resident_id not in contacts:
            raise LookupError(f"no resident {resident_id}")
        if not link_is_safe(link):
            raise ValueError(f"a notice links to a path of this site, not {link!r}")
        _municipality, user_id, address = contacts[resident_id]
        language = languages.get(user_id, settings.LANGUAGE_CODE) if user_id else "ja"
        subject, body = _render(spec, override, context, language)
        notices.append(
            Notice(
                resident_id=resident_id,
                municipality_id=municipality_id or None,
                template=spec.code,
                language=language,
                subject=subject,
                body=body,
                link=link,
                dedupe_key=key,
            )
        )
        addresses.append(address)
    try:
        with transaction.atomic():
            Notice.objects.bulk_create(notices)
            deliveries = Delivery.objects.bulk_create(
                [
                    Delivery(notice=notice, channel=Channel.EMAIL, address=address)
                    for notice, address in zip(notices, addresses, strict=True)
                    if address
                ]
            )
            delivery.enqueue([d.pk for d in deliveries])
    except IntegrityError:
        # A concurrent run created some of these keys meanwhile: one by one, each idempotent.
        before = Notice.objects.filter(dedupe_key__in=[n.dedupe_key for n in notices]).count()
        for resident_id, context, key, link in fresh:
            notice_send(
                resident_id=resident_id,
                municipality_id=municipality_id,
                template=spec.code,
                context=context,
                dedupe_key=key,
                link=link,
            )
        return len(notices) - before
    return len(notices)


def notice_open(
    *,
    resident_id: int,
    notice_id: int,
    actor: AbstractBaseUser | AnonymousUser | None,
    ip_address: str | None = None,
) -> Notice | None:
    """The resident opens one of their notices: marked read (the first time), audited. Another
    resident's notice is None (the page answers 404)."""
    notice = Notice.objects.filter(pk=notice_id, resident_id=resident_id).first()
    if notice is None:
        return None
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    audit_record(
        action="notices.notice_viewed",
        actor=actor,
        municipality_code=notice.municipality_id or "",
        object_type="notices.notice",
        object_id=str(notice.pk),
        ip_address=ip_address,
    )
    return notice


# --- A municipality's wording -------------------------------------------------------------------


def template_override_check(*, code: str, subject: str, body: str) -> dict[str, list[str]]:
    """Field errors (Japanese through gettext) for a municipality's wording of `code`."""
    spec = template_get(code)
    errors: dict[str, list[str]] = {}
    for field, text in (("subject", subject), ("body", body)):
        valid, unknown = rendering.problems(text, spec.variables)
        if not valid:
            errors[field] = [
                _(
                    "Braces must enclose a variable name, as in {example}; write {{ and }} "
                    "for a brace itself."
                ).replace(
                    "{example}", "{" + (spec.variables[0] if spec.variables else "name") + "}"
                )
            ]
        elif unknown:
            errors[field] = [
                _("Unknown variables: %(unknown)s. This template knows: %(known)s.")
                % {
                    "unknown": "、".join("{" + name + "}" for name in unknown),
                    "known": "、".join("{" + name + "}" for name in spec.variables) or "—",
                }
            ]
    if not subject.strip():
        errors.setdefault("subject", []).append(_("Enter a subject."))
    if not body.strip():
        errors.setdefault("body", []).append(_("Enter the text of the notice."))
    return errors


def template_override_save(
    *,
    municipality_id: str,
    code: str,
    subject: str,
    body: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> TemplateOverride:
    errors = template_override_check(code=code, subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        override, _created = TemplateOverride.objects.update_or_create(
            municipality_id=municipality_id,
            code=code,
            defaults={
                "subject": subject,
                "body": body,
                "updated_by_id": actor.pk if actor is not None and actor.is_authenticated else None,
            },
        )
        audit_record(
            action="notices.template_changed",
            actor=actor,
            municipality_code=municipality_id,
            object_type="notices.template",
            object_id=code,
        )
    return override


def template_override_delete(
    *, municipality_id: str, code: str, actor: AbstractBaseUser | AnonymousUser | None
) -> bool:
    with transaction.atomic():
        deleted, _rows = TemplateOverride.objects.filter(
            municipality_id=municipality_id, code=code
        ).delete()
        if deleted:
            audit_record(
                action="notices.template_reset",
                actor=actor,
                municipality_code=municipality_id,
                object_type="notices.template",
                object_id=code,
            )
    return bool(deleted)


# --- Staff sends to a segment -------------------------------------------------------------------


STAFF_TEMPLATE = builtin.STAFF_TEMPLATE


def segment_send(
    *,
    municipality_id: str,
    segment: str,
    choice: str,
    subject: str,
    body: str,
    link: str,
    send_key: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> int:
    """Staff send one message to a segment of their municipality; returns how many notices were
    created (0 when the same confirmed send, `send_key`, is submitted again)."""
    context = {"subject": subject, "body": body}
    items = (
        (resident_id, context, f"staff:{send_key}:{resident_id}", link)
        for resident_id in segment_residents(
            municipality_id=municipality_id, segment=segment, choice=choice
        )
    )
    created = notices_send_bulk(
        municipality_id=municipality_id, template=STAFF_TEMPLATE, items=items
    )
    audit_record(
        action="notices.segment_sent",
        actor=actor,
        municipality_code=municipality_id,
        object_type="notices.segment",
        object_id=segment,
        data={"choice": choice, "created": created, "send_key": send_key},
    )
    return created
