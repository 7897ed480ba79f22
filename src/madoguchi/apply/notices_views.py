"""Resident pages of お知らせ (madoguchi.notices): the inbox, newest first and paginated, and
one notice, which is marked read when opened. No JavaScript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from madoguchi.audit.services import audit_record
from madoguchi.notices import selectors as notice_selectors
from madoguchi.notices import services as notice_services

from .views import _ip, _user, with_resident

if TYPE_CHECKING:
    from madoguchi.accounts.models import Resident

PER_PAGE = 20


@require_GET
@with_resident
def inbox(request: HttpRequest, resident: Resident) -> HttpResponse:
    page = Paginator(notice_selectors.inbox(resident.pk), PER_PAGE).get_page(
        request.GET.get("page")
    )
    audit_record(
        action="notices.inbox_viewed",
        actor=_user(request),
        municipality_code=resident.municipality_id,
        object_type="accounts.resident",
        object_id=str(resident.pk),
        ip_address=_ip(request),
        data={"page": page.number},
    )
    return render(
        request,
        "apply/notices/inbox.html",
        {"page": page, "unread": notice_selectors.unread_count(resident.pk)},
    )


@require_GET
@with_resident
def notice(request: HttpRequest, resident: Resident, notice_id: int) -> HttpResponse:
    found = notice_services.notice_open(
        resident_id=resident.pk, notice_id=notice_id, actor=_user(request), ip_address=_ip(request)
    )
    if found is None:
        raise Http404(_("No such notice."))
    return render(request, "apply/notices/notice.html", {"notice": found})
