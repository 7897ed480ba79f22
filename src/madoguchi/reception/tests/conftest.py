import copy

import pytest
from django.utils import timezone

from madoguchi.applications.services import (
    application_draft_create,
    application_signing_payload,
    application_submit,
)
from madoguchi.applications.testing import answers_naming
from madoguchi.forms import presets
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.reception.services import api_credential_create
from madoguchi.signatures.testing import demo_resident, sign_as

CHIYODA = "131016"
YOKOHAMA = "141003"

# (demo resident key, name as entered, kana)
APPLICANTS = [
    ("yoshida-taro", {"family": "𠮷田", "given": "太郎"}, {"family": "ヨシダ", "given": "タロウ"}),
    ("katsuragi-ken", {"family": "葛󠄀城", "given": "健"}, {"family": "カツラギ", "given": "ケン"}),
    (
        "takahashi-ichiro",
        {"family": "髙橋", "given": "一郎"},
        {"family": "タカハシ", "given": "イチロウ"},
    ),
    ("sato-jiro", {"family": "佐藤", "given": "次郎"}, {"family": "サトウ", "given": "ジロウ"}),
]


@pytest.fixture
def disaster_form(pki, catalog):
    municipal_form = form_adopt_preset(
        municipality_code=CHIYODA, procedure_code="disaster-certificate", actor=None
    )
    return form_publish(municipal_form=municipal_form, actor=None)


def submit(form_version, key, name, kana):
    resident = demo_resident(key)
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    answers = answers_naming(resident, copy.deepcopy(preset.samples[0]))
    answers["applicant.name"] = name
    answers["applicant.name_kana"] = kana
    answers["disaster.owner_name"] = name
    application = application_draft_create(
        form_version=form_version, resident=resident, answers=answers
    )
    signed_at = timezone.now().replace(microsecond=0)
    payload = application_signing_payload(application=application, signed_at=signed_at)
    return application_submit(
        application=application, cms_der=sign_as(resident, payload), signed_at=signed_at
    )


@pytest.fixture
def received(disaster_form):
    """Four received applications of 千代田区, oldest first (𠮷田, 葛󠄀城 with an IVS, 髙橋, 佐藤)."""
    return [submit(disaster_form, *applicant) for applicant in APPLICANTS]


@pytest.fixture
def chiyoda_token(demo):
    return api_credential_create(municipality_code=CHIYODA, name="core").token


@pytest.fixture
def yokohama_token(demo):
    return api_credential_create(municipality_code=YOKOHAMA, name="core").token
