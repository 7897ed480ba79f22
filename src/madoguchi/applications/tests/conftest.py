import copy

import pytest

from madoguchi.forms import presets
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.signatures.testing import demo_resident


@pytest.fixture
def disaster_form(pki, catalog):
    """千代田区's published 罹災証明書 form (the preset requires a signature)."""
    municipal_form = form_adopt_preset(
        municipality_code="131016", procedure_code="disaster-certificate", actor=None
    )
    return form_publish(municipal_form=municipal_form, actor=None)


@pytest.fixture
def sample_answers():
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    return copy.deepcopy(preset.samples[0])


@pytest.fixture
def taro(pki):
    return demo_resident("yoshida-taro")


@pytest.fixture
def hanako(pki):
    return demo_resident("yoshida-hanako")
