from __future__ import annotations

from typing import Any

import pytest

from madoguchi.accounts.models import User
from madoguchi.forms import services
from madoguchi.forms.models import MunicipalForm
from madoguchi.reception.testing import staff_login

CHIYODA = "131016"


@pytest.fixture
def editor(demo: None) -> User:
    return User.objects.get(username="chiyoda-editor")


@pytest.fixture
def disaster_form(editor: User) -> MunicipalForm:
    return services.form_adopt_preset(
        municipality_code=CHIYODA, procedure_code="disaster-certificate", actor=editor
    )


@pytest.fixture
def editor_client(client: Any, editor: User) -> Any:
    # Password and TOTP passed (every staff page needs both).
    staff_login(client, editor)
    return client
