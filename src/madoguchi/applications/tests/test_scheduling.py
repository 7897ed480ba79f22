"""The background side with the real database task backend: the daily retention chain and the
rescan of a pending upload are queued rows of django-tasks, run later by `db_worker`."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from madoguchi.applications.retention import DAILY_TASK_PATH, next_run_at, retention_daily
from madoguchi.applications.services import application_attachment_store, application_draft_create

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def test_the_daily_run_is_queued_once_for_3_oclock_japan_time(settings):
    settings.TASKS = DB_TASKS
    call_command("retention_schedule")
    call_command("retention_schedule")  # idempotent: make run calls it on every start
    queued = DBTaskResult.objects.get(task_path=DAILY_TASK_PATH)
    local = timezone.localtime(queued.run_after)
    assert (local.hour, local.minute) == (3, 0) and queued.run_after > timezone.now()
    # Running it queues tomorrow's run.
    queued.delete()
    assert retention_daily.call() == {"due": 0, "anonymised": 0}
    assert DBTaskResult.objects.filter(task_path=DAILY_TASK_PATH, status="READY").count() == 1


def test_next_run_is_today_before_3_and_tomorrow_after():
    tz = timezone.get_current_timezone()
    early = datetime.datetime(2026, 12, 3, 2, 0, tzinfo=tz)
    late = datetime.datetime(2026, 12, 3, 4, 0, tzinfo=tz)
    assert next_run_at(early) == datetime.datetime(2026, 12, 3, 3, 0, tzinfo=tz)
    assert next_run_at(late) == datetime.datetime(2026, 12, 4, 3, 0, tzinfo=tz)


def test_a_pending_upload_queues_its_rescan_a_minute_later(
    clamd, settings, disaster_form, taro, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    clamd.stop()
    draft = application_draft_create(form_version=disaster_form, resident=taro)
    with django_capture_on_commit_callbacks(execute=True):
        application_attachment_store(
            application=draft,
            item_path="attachments.photos",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        )
    queued = DBTaskResult.objects.get(
        task_path="madoguchi.applications.scanning.attachment_rescan_task"
    )
    assert queued.args_kwargs["kwargs"] == {"attachment_id": draft.attachments.get().pk}
    delay = queued.run_after - timezone.now()
    assert datetime.timedelta(seconds=30) < delay <= datetime.timedelta(minutes=1)
