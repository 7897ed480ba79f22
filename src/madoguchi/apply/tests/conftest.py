from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from django.test import Client

from madoguchi.accounts.models import Resident
from madoguchi.forms import presets
from madoguchi.forms.models import FormVersion
from madoguchi.forms.services import form_adopt_preset, form_publish
from madoguchi.idp.claims import resident_claims as idp_claims
from madoguchi.signatures.testing import demo_resident
from madoguchi.signin.claims import claims_from_token, claims_to_session
from madoguchi.signin.services import SESSION_KEY, resident_user_get_or_create

ISSUER = "http://testserver/idp/o"


def publish(procedure_code: str, municipality_code: str = "131016") -> FormVersion:
    municipal_form = form_adopt_preset(
        municipality_code=municipality_code, procedure_code=procedure_code, actor=None
    )
    return form_publish(municipal_form=municipal_form, actor=None)


@pytest.fixture
def disaster_form(pki, catalog) -> FormVersion:
    """千代田区's published 罹災証明書 form (needs a signature)."""
    return publish("disaster-certificate")


@pytest.fixture
def unsigned_form(pki, catalog) -> FormVersion:
    """A procedure that needs no signature, with a 個人番号 item (介護保険被保険者証の再交付)."""
    return publish("care-insurance-card-reissue")


@pytest.fixture
def sample_answers():
    preset = presets.preset_get("disaster-certificate")
    assert preset is not None
    return copy.deepcopy(preset.samples[0])


@pytest.fixture
def taro(pki) -> Resident:
    return demo_resident("yoshida-taro")


@pytest.fixture
def hanako(pki) -> Resident:
    return demo_resident("yoshida-hanako")


def sign_in(client: Client, resident: Resident) -> Client:
    """What a completed OpenID Connect sign-in leaves behind: the linked user logged in and the
    verified claims in the session (the flow itself is tested in madoguchi.signin)."""
    claims = claims_from_token(issuer=ISSUER, claims=idp_claims(resident))
    user, _ = resident_user_get_or_create(claims=claims)
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = {"user_id": user.pk, "claims": claims_to_session(claims)}
    session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[Client, Resident], Client]:
    return sign_in
