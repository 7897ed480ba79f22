from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from madoguchi.applications.models import Application
from madoguchi.applications.services import (
    application_draft_create,
    application_signing_payload,
    application_submit,
)
from madoguchi.applications.testing import answers_naming
from madoguchi.apply.tests.conftest import sign_in
from madoguchi.forms.wareki import format_wareki
from madoguchi.signatures.testing import demo_resident, sign_as

pytestmark = pytest.mark.django_db
_last_signed_at: list[datetime.datetime] = []


def _unique_signed_at() -> datetime.datetime:
    """Now to the second, but always earlier than the last one given: identical answers signed
    in the same second would be the same signed envelope, which is received once. (Counting
    seconds back from each call's now collided when the clock ticked between two calls.)"""
    moment = timezone.now().replace(microsecond=0)
    if _last_signed_at and moment >= _last_signed_at[-1]:
        moment = _last_signed_at[-1] - datetime.timedelta(seconds=1)
    _last_signed_at[:] = [moment]
    return moment


def submitted(form_version, resident, answers) -> Application:
    application = application_draft_create(
        form_version=form_version, resident=resident, answers=answers
    )
    signed_at = _unique_signed_at()
    payload = application_signing_payload(application=application, signed_at=signed_at)
    return application_submit(
        application=application, cms_der=sign_as(resident, payload), signed_at=signed_at
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts_of(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_copy_holds_every_answer_as_selectable_text(
    client, disaster_form, taro, sample_answers
):
    application = submitted(disaster_form, taro, sample_answers)
    sign_in(client, taro)
    response = client.get(f"/apply/{application.public_id}/copy.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = response.content
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert application.receipt_display in text
    assert "申請書控え" in text
    assert "罹災証明書の発行申請" in text
    assert "東京都千代田区" in text
    submitted_at = timezone.localtime(application.submitted_at)
    assert format_wareki(submitted_at.date()) in text
    assert submitted_at.isoformat(timespec="seconds") in text
    assert "𠮷田" in text and "太郎" in text
    assert "台風により屋根瓦が落ち、天井から雨漏りしている。" in text
    assert "〒102-0083 東京都千代田区麹町二丁目1番1号" in text
    evidence = application.signature_evidence
    assert evidence is not None
    assert evidence.serial in text.replace("\n", "")
    assert "有効" in text
    # Text, in the embedded Noto Sans JP: selectable and searchable, not an image.
    assert any("Noto-Sans-JP" in name for name in fonts_of(data)), fonts_of(data)


def test_a_variation_sequence_survives_into_the_copy(client, disaster_form, sample_answers, pki):
    ken = demo_resident("katsuragi-ken")
    answers = {
        **answers_naming(ken, sample_answers),
        "disaster.owner_name": {"family": ken.family_name, "given": ken.given_name},
    }
    application = submitted(disaster_form, ken, answers)
    sign_in(client, ken)
    text = pdf_text(client.get(f"/apply/{application.public_id}/copy.pdf").content)
    assert "葛\U000e0100城" in text
    assert ken.family_name == "葛\U000e0100城"


def test_the_copy_of_a_procedure_without_signature_masks_the_my_number(client, unsigned_form, taro):
    from madoguchi.forms import presets

    preset = presets.preset_get("care-insurance-card-reissue")
    assert preset is not None
    application = application_draft_create(
        form_version=unsigned_form, resident=taro, answers=preset.samples[0]
    )
    application = application_submit(application=application)
    sign_in(client, taro)
    text = pdf_text(client.get(f"/apply/{application.public_id}/copy.pdf").content)
    assert "********9018" in text
    assert "123456789018" not in text
    assert "電子署名を必要としません" in text


def test_a_draft_has_no_copy(client, disaster_form, taro):
    application = application_draft_create(form_version=disaster_form, resident=taro)
    sign_in(client, taro)
    assert client.get(f"/apply/{application.public_id}/copy.pdf").status_code == 404
