"""The console through HTTP: inbox filters, application page, workflow, comments, assignment,
bulk changes, attachments, audit."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from madoguchi.applications.models import Attachment
from madoguchi.applications.types import Status
from madoguchi.audit.models import AuditEvent
from madoguchi.reception.testing import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client, demo):
    staff_login(client, "chiyoda-worker")
    return client


def receipts_in(html, applications):
    return {a.receipt_display for a in applications if a.receipt_display in html}


def test_inbox_lists_and_filters_by_name_in_kanji_or_kana(worker, received):
    html = worker.get("/staff/reception/").content.decode()
    assert receipts_in(html, received) == {a.receipt_display for a in received}
    assert "𠮷田" in html and "葛󠄀城" in html  # names shown exactly as entered
    for query, expected in [
        ("よしだ", 0),  # hiragana finds katakana
        ("ﾖｼﾀﾞ", 0),  # half-width katakana too
        ("𠮷田", 0),
        ("葛城", 1),  # typed without the variation selector
        ("かつらぎ　けん", 1),
        ("髙橋", 2),
    ]:
        html = worker.get("/staff/reception/", {"name": query}).content.decode()
        assert receipts_in(html, received) == {received[expected].receipt_display}, query


def test_inbox_filters_status_receipt_dates_and_sorts(worker, received):
    html = worker.get(
        "/staff/reception/", {"receipt_number": received[2].receipt_display.lower()}
    ).content.decode()
    assert receipts_in(html, received) == {received[2].receipt_display}
    html = worker.get("/staff/reception/", {"status": ["in_review"]}).content.decode()
    assert receipts_in(html, received) == set()
    html = worker.get(
        "/staff/reception/", {"submitted_from": "2000-01-01", "submitted_to": "2000-01-02"}
    ).content.decode()
    assert receipts_in(html, received) == set()
    html = worker.get("/staff/reception/", {"sort": "submitted"}).content.decode()
    positions = [html.index(a.receipt_display) for a in received]
    assert positions == sorted(positions)


def test_inbox_errors_are_japanese_at_the_field(worker, received):
    response = worker.get(
        "/staff/reception/",
        {"receipt_number": "ABCD", "submitted_from": "2026-05-01", "submitted_to": "2026-04-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "受付番号の形式ではありません" in html and 'href="#id_receipt_number"' in html
    assert "終了日が開始日より前" in html


def test_inbox_paginates(worker, received, settings):
    settings.RECEPTION_INBOX_PAGE_SIZE = 3
    first = worker.get("/staff/reception/").content.decode()
    second = worker.get("/staff/reception/", {"page": 2}).content.decode()
    assert len(receipts_in(first, received)) == 3 and len(receipts_in(second, received)) == 1


def test_application_page_shows_answers_evidence_history_and_is_audited(worker, received):
    application = received[0]
    response = worker.get(f"/staff/reception/applications/{application.receipt_number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "申請者の氏名" in html and "𠮷田" in html and "applicant.name" in html
    assert "罹災原因" in html  # labels from the form version
    assert application.signature_evidence.serial in html
    assert "受付" in html  # history
    assert AuditEvent.objects.filter(
        action="reception.application_viewed", object_id=application.receipt_number
    ).exists()


def test_workflow_received_review_returned_with_message(
    worker, received, django_capture_on_commit_callbacks
):
    application = received[0]
    url = f"/staff/reception/applications/{application.receipt_number}/status/"
    response = worker.post(url, {"status-to_status": "in_review"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    # 差戻し needs a message: the error is at the field, in Japanese.
    response = worker.post(url, {"status-to_status": "returned", "status-message": " "})
    assert response.status_code == 400
    assert "何を直せばよいか" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        worker.post(
            url, {"status-to_status": "returned", "status-message": "番地を確認してください。"}
        )
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    assert any("番地を確認してください。" in m.body for m in mail.outbox)
    # Not allowed from returned: a clear message, nothing changes.
    response = worker.post(url, {"status-to_status": "completed"})
    assert response.status_code == 400 and "できません" in response.content.decode()


def test_comments_and_assignment(worker, received):
    base = f"/staff/reception/applications/{received[1].receipt_number}/"
    response = worker.post(base + "comments/", {"comment-body": ""})
    assert response.status_code == 400
    worker.post(base + "comments/", {"comment-body": "現地調査の日程を調整中"})
    from madoguchi.accounts.models import User

    me = User.objects.get(username="chiyoda-worker")
    worker.post(base + "assign/", {"assign-assignee": str(me.pk)})
    html = worker.get(base).content.decode()
    assert "現地調査の日程を調整中" in html
    html = worker.get("/staff/reception/", {"assignee": "me"}).content.decode()
    assert receipts_in(html, received) == {received[1].receipt_display}
    # Only staff of the municipality can be assigned.
    other = User.objects.get(username="yokohama-worker")
    response = worker.post(base + "assign/", {"assign-assignee": str(other.pk)})
    assert response.status_code == 400


def test_bulk_status_change_reports_each_application(worker, received):
    from madoguchi.applications.services import application_status_change

    application_status_change(application=received[3], to_status="rejected", actor=None)
    response = worker.post(
        "/staff/reception/bulk/",
        {
            "bulk-receipts": [a.receipt_number for a in received],
            "bulk-to_status": "in_review",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "3件の申請の状態を変更しました" in html
    assert received[3].receipt_display in html  # refused, with the reason
    statuses = {a.status for a in received[:3]}
    for a in received[:3]:
        a.refresh_from_db()
    assert {a.status for a in received[:3]} == {"in_review"} and statuses == {"submitted"}


def test_viewer_reads_but_cannot_change(client, demo, received):
    from madoguchi.accounts.models import Membership, User

    viewer = User.objects.create_user("chiyoda-viewer", password="x" * 16)
    Membership.objects.create(user=viewer, municipality_id="131016", role="viewer")
    staff_login(client, viewer)
    base = f"/staff/reception/applications/{received[0].receipt_number}/"
    assert client.get("/staff/reception/").status_code == 200
    assert client.get(base).status_code == 200
    assert client.post(base + "status/", {"status-to_status": "in_review"}).status_code == 403
    assert client.post(base + "comments/", {"comment-body": "x"}).status_code == 403
    assert client.get("/staff/reception/export/csv/").status_code == 403


def test_attachment_download_is_audited(worker, received, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = received[0]
    attachment = Attachment.objects.create(
        application=application,
        item_path="attachments.photos",
        file=SimpleUploadedFile("photo.jpg", b"\xff\xd8jpeg"),
        name="photo.jpg",
        content_type="image/jpeg",
        size=6,
        sha256="0" * 64,
    )
    url = f"/staff/reception/applications/{application.receipt_number}/attachments/{attachment.pk}/"
    # Quarantined until a scanner found it clean (docs/scanning.md): not handed out, not linked.
    assert worker.get(url).status_code == 404
    page = worker.get(f"/staff/reception/applications/{application.receipt_number}/")
    assert "ウイルス検査中" in page.content.decode() and url not in page.content.decode()
    Attachment.objects.filter(pk=attachment.pk).update(scan_status="clean")
    response = worker.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\xff\xd8jpeg"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="reception.attachment_downloaded").exists()


def test_auditor_searches_the_audit_log_of_their_municipality(client, demo, received):
    staff_login(client, "chiyoda-auditor")
    assert client.get("/staff/reception/").status_code == 403  # no applications for auditors
    html = client.get(
        "/staff/reception/audit/", {"object_id": received[0].receipt_display}
    ).content.decode()
    assert "application.submitted" in html
    html = client.get("/staff/reception/audit/", {"action": "auth."}).content.decode()
    assert "application.submitted" not in html


def test_staff_home_links_to_the_console(worker):
    html = worker.get("/staff/").content.decode()
    assert "/staff/reception/" in html
