from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from madoguchi.core.models import LanguagePreference
from madoguchi.notices import rendering, selectors, services
from madoguchi.notices.delivery import MAX_ATTEMPTS, SENDING_TIMEOUT, deliveries_sweep
from madoguchi.notices.models import Delivery, Notice
from madoguchi.notices.registry import template_register
from madoguchi.notices.testing import resident_in
from madoguchi.notices.tests.conftest import CHIYODA, YOKOHAMA
from madoguchi.notices.types import DeliveryStatus

pytestmark = pytest.mark.django_db


def send(resident_id: int, key: str = "k1", **extra: object) -> int:
    return services.notice_send(
        resident_id=resident_id,
        municipality_id=CHIYODA,
        template="tests.hello",
        context={"name": "山田", "amount": "70,000"},
        dedupe_key=key,
        link="/apply/",
        **extra,  # type: ignore[arg-type]
    )


def due(delivery: Delivery) -> None:
    """Let the backoff pass: the retry is due now."""
    Delivery.objects.filter(pk=delivery.pk, next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_send_creates_the_notice_and_mails_it_once(master: None) -> None:
    resident = resident_in(CHIYODA, email="yamada@example.jp")
    notice_id = send(resident.pk)
    notice = Notice.objects.get(pk=notice_id)
    assert notice.subject == "Hello 山田"
    assert notice.body == "Your amount is 70,000 yen."
    (delivery,) = selectors.deliveries_for(notice_id=notice_id)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["yamada@example.jp"]
    assert "Your amount is 70,000 yen." in mail.outbox[0].body
    assert "/apply/" in mail.outbox[0].body
    assert selectors.unread_count(resident.pk) == 1

    # Re-run the same send: the same notice, no second e-mail, no second delivery.
    assert send(resident.pk) == notice_id
    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(notice_id=notice_id).count() == 1
    assert selectors.unread_count(resident.pk) == 1


def test_no_address_means_in_app_only(master: None) -> None:
    resident = resident_in(CHIYODA, email="")
    notice_id = send(resident.pk)
    assert selectors.deliveries_for(notice_id=notice_id) == []
    assert mail.outbox == []
    other = resident_in(CHIYODA, email="x@example.jp")
    send(other.pk, key="k2", email=False)
    assert mail.outbox == []


def test_the_residents_language_and_the_municipalitys_wording(master: None) -> None:
    resident = resident_in(CHIYODA, email="a@example.jp")
    assert resident.user_id is not None
    LanguagePreference.objects.create(user_id=resident.user_id, language="en")
    notice = Notice.objects.get(pk=send(resident.pk))
    assert notice.language == "en"
    services.template_override_save(
        municipality_id=CHIYODA,
        code="tests.hello",
        subject="{name}様へ",
        body="給付額は{amount}円です。",
        actor=None,
    )
    notice = Notice.objects.get(pk=send(resident.pk, key="k2"))
    assert (notice.subject, notice.body) == ("山田様へ", "給付額は70,000円です。")
    # Another municipality keeps the platform wording.
    yokohama = resident_in(YOKOHAMA)
    other = services.notice_send(
        resident_id=yokohama.pk,
        municipality_id=YOKOHAMA,
        template="tests.hello",
        context={"name": "佐藤", "amount": "1"},
        dedupe_key="k3",
    )
    assert Notice.objects.get(pk=other).subject == "Hello 佐藤"


def test_a_link_to_another_site_is_refused(master: None) -> None:
    resident = resident_in(CHIYODA)
    for link in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="path of this site"):
            services.notice_send(
                resident_id=resident.pk,
                municipality_id=CHIYODA,
                template="tests.hello",
                context={"name": "a", "amount": "1"},
                dedupe_key=link,
                link=link,
            )
    assert not Notice.objects.exists()


def test_rendering_accepts_only_declared_bare_names() -> None:
    allowed = ["name"]
    assert (
        rendering.render("{name}さん {{literal}}", {"name": "<b>"}, allowed) == "<b>さん {literal}"
    )
    for text in ("{name.__class__}", "{name[0]}", "{name!r}", "{name:>10}", "{0}", "{", "}"):
        with pytest.raises(rendering.TemplateSyntaxProblem):
            rendering.render(text, {"name": "x"}, allowed)
    with pytest.raises(rendering.TemplateSyntaxProblem):
        rendering.render("{other}", {"other": "x"}, allowed)
    with pytest.raises(ValueError, match="unknown variables"):
        template_register("tests.bad", subject="{nope}", body="", variables=["name"])


def test_a_municipalitys_wording_is_checked_at_the_field(master: None) -> None:
    errors = services.template_override_check(
        code="tests.hello", subject="{name} {user.password}", body="{amont}円"
    )
    assert set(errors) == {"subject", "body"}
    assert "{amont}" in errors["body"][0] and "{amount}" in errors["body"][0]
    assert services.template_override_check(code="tests.hello", subject="{name}", body="x") == {}


def test_a_failing_mail_server_is_recorded_then_retried(master: None, settings: object) -> None:
    resident = resident_in(CHIYODA, email="yamada@example.jp")
    settings.EMAIL_BACKEND = "madoguchi.notices.tests.conftest.FailingBackend"  # type: ignore[attr-defined]
    notice_id = send(resident.pk)
    (delivery,) = selectors.deliveries_for(notice_id=notice_id)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert "mail server down" in delivery.last_error
    assert delivery.next_attempt_at is not None
    # Not yet due: the sweep leaves it alone.
    assert deliveries_sweep() == 0
    delivery.refresh_from_db()
    assert delivery.attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    due(delivery)
    assert deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.last_error == ""
    assert len(mail.outbox) == 1
    # A later sweep and a re-run of the send change nothing.
    deliveries_sweep(now=timezone.now() + datetime.timedelta(days=1))
    send(resident.pk)
    assert len(mail.outbox) == 1


def test_retries_stop_after_the_maximum(master: None, failing_mail: None) -> None:
    resident = resident_in(CHIYODA, email="yamada@example.jp")
    (delivery,) = selectors.deliveries_for(notice_id=send(resident.pk))
    for _ in range(MAX_ATTEMPTS + 2):
        due(delivery)
        deliveries_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.next_attempt_at is None


def test_an_interrupted_send_is_retried_at_most_once_more(master: None) -> None:
    resident = resident_in(CHIYODA, email="yamada@example.jp")
    notice_id = send(resident.pk, email=False)
    crashed = timezone.now() - SENDING_TIMEOUT - datetime.timedelta(minutes=1)
    delivery = Delivery.objects.create(
        notice_id=notice_id,
        address="yamada@example.jp",
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_at=crashed,
    )
    # A send that is still within its time is not touched.
    fresh = Delivery.objects.filter(pk=delivery.pk)
    assert deliveries_sweep(now=crashed + datetime.timedelta(minutes=1)) == 0
    assert fresh.get().status == DeliveryStatus.SENDING

    assert deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.recovered and delivery.attempts == 2
    assert len(mail.outbox) == 1

    # Interrupted again after its one recovery: given up, never sent a third time.
    fresh.update(status=DeliveryStatus.SENDING, claimed_at=crashed)
    deliveries_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert "interrupted twice" in delivery.last_error
    assert len(mail.outbox) == 1


def test_bulk_send_streams_batches_and_a_rerun_sends_nothing(master: None) -> None:
    residents = [resident_in(CHIYODA, email=f"r{i}@example.jp") for i in range(25)]
    residents.append(resident_in(CHIYODA, email=""))
    progress: list[int] = []

    def items():  # a generator, as a campaign streams its households
        for r in residents:
            yield (r.pk, {"name": r.given_name, "amount": "70,000"}, f"bulk:{r.pk}", "/apply/")

    created = services.notices_send_bulk(
        municipality_id=CHIYODA,
        template="tests.hello",
        items=items(),
        batch_size=10,
        progress=progress.append,
    )
    assert created == 26
    assert progress == [10, 20, 26]
    assert len(mail.outbox) == 25
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 25

    again = services.notices_send_bulk(
        municipality_id=CHIYODA, template="tests.hello", items=items(), batch_size=10
    )
    assert again == 0
    assert len(mail.outbox) == 25
    assert Notice.objects.count() == 26


def test_bulk_send_after_a_partial_run_sends_only_the_rest(master: None) -> None:
    residents = [resident_in(CHIYODA, email=f"r{i}@example.jp") for i in range(6)]
    items = [(r.pk, {"name": "a", "amount": "1"}, f"bulk:{r.pk}", "") for r in residents]
    send(residents[0].pk, key=f"bulk:{residents[0].pk}")
    created = services.notices_send_bulk(
        municipality_id=CHIYODA, template="tests.hello", items=items + items[:2], batch_size=4
    )
    assert created == 5
    assert len(mail.outbox) == 6


def test_a_segment_never_reaches_another_municipality(master: None) -> None:
    from madoguchi.notices.registry import segment_register

    chiyoda = [resident_in(CHIYODA, email="c@example.jp") for _ in range(3)]
    yokohama = resident_in(YOKOHAMA, email="y@example.jp")
    no_account = resident_in(CHIYODA, with_user=False)
    # A careless resolver yields everyone it knows.
    segment_register(
        "tests.everyone", "everyone", lambda _m: [r.pk for r in [*chiyoda, yokohama, no_account]]
    )
    assert selectors.segment_count(municipality_id=CHIYODA, segment="tests.everyone") == 4
    assert selectors.segment_count(municipality_id=CHIYODA, segment="all_with_account") == 3
    created = services.segment_send(
        municipality_id=CHIYODA,
        segment="tests.everyone",
        choice="",
        subject="断水のお知らせ",
        body="明日は断水します。",
        link="",
        send_key="s1",
        actor=None,
    )
    assert created == 4
    assert not Notice.objects.filter(resident=yokohama).exists()
    assert {m.to[0] for m in mail.outbox} == {"c@example.jp"}
    # The same confirmed send submitted again: nothing new.
    assert (
        services.segment_send(
            municipality_id=CHIYODA,
            segment="tests.everyone",
            choice="",
            subject="断水のお知らせ",
            body="明日は断水します。",
            link="",
            send_key="s1",
            actor=None,
        )
        == 0
    )
    assert len(mail.outbox) == 3
