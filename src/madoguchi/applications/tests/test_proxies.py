"""Proxy applications (代理申請, issue 17): who may apply for whom, and what the record says.

Through the public services with real signatures of the demo residents' virtual cards: the
proxy signs, the person concerned is found in the resident registry, and a stranger without a
委任状 is refused at the item that declared them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from madoguchi.accounts.models import Resident
from madoguchi.applications import selectors, services
from madoguchi.applications.parties import Parties
from madoguchi.applications.types import ProxyBasis, Status
from madoguchi.forms import presets
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.signatures.testing import demo_resident, sign_as

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _publish(procedure_code: str):
    municipal_form = form_adopt_preset(
        municipality_code="131016", procedure_code=procedure_code, actor=None
    )
    return form_publish(municipal_form=municipal_form, actor=None)


def _person(prefix: str, resident: Resident) -> dict[str, Any]:
    postal = resident.postal_code
    return {
        f"{prefix}.name": {"family": resident.family_name, "given": resident.given_name},
        f"{prefix}.address": {
            "postal_code": f"{postal[:3]}-{postal[3:]}",
            "address": resident.address,
        },
    }


def _moving_out_for(subject: Resident, proxy: Resident, kind: str) -> dict[str, Any]:
    """転出届 answers for `subject`, declared by `proxy` (who signs) on the basis `kind`."""
    preset = presets.preset_get("moving-out-notification")
    assert preset is not None
    answers = copy.deepcopy(preset.samples[0])
    answers.update(_person("applicant", subject))
    answers["applicant.name_kana"] = {
        "family": subject.family_name_kana,
        "given": subject.given_name_kana,
    }
    answers["applicant.birth_date"] = subject.birth_date.isoformat()
    answers["proxy.is_proxy"] = "proxy"
    answers["proxy.kind"] = kind
    answers["proxy.relationship"] = "父" if kind == "parent" else "知人"
    answers.update(_person("proxy", proxy))
    return answers


def _submit(application, signer: Resident):
    signed_at = timezone.now().replace(microsecond=0)
    payload = services.application_signing_payload(application=application, signed_at=signed_at)
    return services.application_submit(
        application=application, cms_der=sign_as(signer, payload), signed_at=signed_at
    )


@pytest.fixture
def moving_out(pki, catalog):
    return _publish("moving-out-notification")


@pytest.mark.django_db
def test_a_parent_applies_for_a_minor_child_and_the_application_carries_both(moving_out):
    taro, child = demo_resident("yoshida-taro"), demo_resident("yoshida-haruto")
    draft = services.application_draft_create(
        form_version=moving_out, resident=taro, answers=_moving_out_for(child, taro, "parent")
    )

    received = _submit(draft, taro)

    assert received.status == Status.SUBMITTED and received.receipt_number
    parties = Parties.from_json(received.parties)
    assert parties is not None and parties.is_proxy
    assert parties.basis == ProxyBasis.PARENT
    assert parties.signer.name == "𠮷田\u3000太郎" and parties.subject.name == "𠮷田\u3000陽翔"
    # The proxy's own application; the child is linked as the person concerned.
    assert received.resident == taro and received.subject_resident == child
    assert list(selectors.applications_concerning_resident(resident=child)) == [received]
    assert not selectors.applications_concerning_resident(resident=taro).exists()


@pytest.mark.django_db
def test_a_stranger_claiming_to_be_the_parent_is_refused_at_the_item(moving_out):
    stranger, child = demo_resident("sato-jiro"), demo_resident("yoshida-haruto")
    draft = services.application_draft_create(
        form_version=moving_out,
        resident=stranger,
        answers=_moving_out_for(child, stranger, "parent"),
    )

    # On the page that declares the proxy, at once…
    result = services.application_answers_save(application=draft, answers={}, page_id="applicant")
    assert [(e.path, e.code) for e in result.errors] == [("proxy.kind", "proxy_not_parent")]
    assert "委任状" in result.errors[0].message and "𠮷田\u3000陽翔" in result.errors[0].message
    # …and on submission, before any signature is checked: nothing is received.
    with pytest.raises(services.InvalidAnswers) as refused:
        _submit(draft, stranger)
    assert [e.path for e in refused.value.result.errors] == ["proxy.kind"]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.receipt_number is None


@pytest.mark.django_db
def test_a_parent_of_an_adult_is_not_a_parent_of_a_minor(moving_out):
    taro, hanako = demo_resident("yoshida-taro"), demo_resident("yoshida-hanako")
    draft = services.application_draft_create(
        form_version=moving_out, resident=taro, answers=_moving_out_for(hanako, taro, "parent")
    )
    with pytest.raises(services.InvalidAnswers):
        _submit(draft, taro)


@pytest.mark.django_db
def test_a_stranger_without_a_power_of_attorney_is_refused_and_with_one_accepted(moving_out):
    stranger, taro = demo_resident("sato-jiro"), demo_resident("yoshida-taro")
    draft = services.application_draft_create(
        form_version=moving_out,
        resident=stranger,
        answers=_moving_out_for(taro, stranger, "delegate"),
    )
    result = services.application_answers_save(application=draft, answers={}, page_id="applicant")
    assert [(e.path, e.code) for e in result.errors] == [("proxy.power_of_attorney", "required")]
    with pytest.raises(services.InvalidAnswers):
        _submit(draft, stranger)

    upload = SimpleUploadedFile("ininjo.pdf", PDF, content_type="application/pdf")
    meta = services.application_attachment_store(
        application=draft, item_path="proxy.power_of_attorney", upload=upload
    )
    result = services.application_answers_save(
        application=draft, answers={"proxy.power_of_attorney": meta}, page_id="applicant"
    )
    assert result.is_valid, result.errors
    received = _submit(draft, stranger)

    parties = Parties.from_json(received.parties)
    assert parties is not None and parties.basis == ProxyBasis.POWER_OF_ATTORNEY
    assert parties.signer.name == "佐藤\u3000次郎" and parties.subject.name == "𠮷田\u3000太郎"
    # Found in the registry by name and birth date: taro's My page lists it.
    assert received.subject_resident == taro
    assert list(selectors.applications_concerning_resident(resident=taro)) == [received]
    assert received.attachments.get().item_path == "proxy.power_of_attorney"


@pytest.mark.django_db
def test_a_care_manager_applies_with_their_office(pki, catalog):
    form = _publish("care-plan-request")
    preset = presets.preset_get("care-plan-request")
    assert preset is not None
    ichiro, manager = demo_resident("takahashi-ichiro"), demo_resident("yamasaki-misaki")
    answers = copy.deepcopy(preset.samples[0])
    answers.update(_person("insured", ichiro))
    answers["insured.name_kana"] = {
        "family": ichiro.family_name_kana,
        "given": ichiro.given_name_kana,
    }
    answers["insured.birth_date"] = ichiro.birth_date.isoformat()
    answers.update(
        {
            "submitter.kind": "agency",
            "submitter.name": {"family": manager.family_name, "given": manager.given_name},
            "submitter.relationship": "麹町ケアプランセンター",
            "submitter.office_number": "1312345678",
        }
    )
    # The 介護 submitter block names no address: the card binds the name (and nothing else).
    draft = services.application_draft_create(form_version=form, resident=manager, answers=answers)

    received = _submit(draft, manager)

    parties = Parties.from_json(received.parties)
    assert parties is not None and parties.is_proxy and parties.basis == ProxyBasis.CARE_MANAGER
    assert parties.signer.office_name == "麹町ケアプランセンター"
    assert parties.signer.office_number == "1312345678"
    assert parties.subject.name == "髙橋\u3000一郎" and received.subject_resident == ichiro
