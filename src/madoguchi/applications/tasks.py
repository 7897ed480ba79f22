"""Background work for applications, run by the django-tasks worker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from madoguchi.applications.models import StatusChange
from madoguchi.core.i18n import language_of


@task()
def notify_status_change(*, change_id: int) -> None:
    """E-mail the applicant that their application changed status (the page shows it too)."""
    change = StatusChange.objects.select_related("application__resident").get(pk=change_id)
    application = change.application
    resident = application.resident
    if application.is_test or resident is None or not resident.email:
        return
    # In the language the resident last used on the site (English, やさしい日本語 or Japanese).
    with translation.override(language_of(user_id=resident.user_id)):
        _send(change, resident.email)


def _send(change: StatusChange, email: str) -> None:
    application = change.application
    subject = _("[Madoguchi] Your application %(receipt)s: %(status)s") % {
        "receipt": application.receipt_display,
        "status": change.get_to_status_display(),
    }
    lines = [
        _("Receipt number: %(receipt)s") % {"receipt": application.receipt_display},
        _("Status: %(status)s") % {"status": change.get_to_status_display()},
    ]
    if change.message:
        lines += ["", _("Message from the municipality:"), change.message]
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [email])
