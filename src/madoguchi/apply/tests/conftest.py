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


def sign_and_examine(client, application, pin=None):
    """POST the PIN on the sign page. Signed, the application arrives (302 to its 到達 page,
    which says so); a worker then examines it, and the 到達 page is read again: a 302 to the
    receipt once received, or 200 with the reason (受付不可). A refusal before arrival (a wrong
    PIN, a locked card) comes back as the sign page's own response."""
    from madoguchi.applications.arrivals import arrivals_work
    from madoguchi.signatures.services import DEMO_SIGN_PIN

    response = client.post(f"/apply/{application.public_id}/sign/", {"pin": pin or DEMO_SIGN_PIN})
    if response.status_code != 302 or not response["Location"].endswith("/arrival/"):
        return response
    waiting = client.get(response["Location"])
    assert waiting.status_code == 200 and "到達しました" in waiting.content.decode()
    assert waiting["Refresh"] == "3"
    arrivals_work()
    return client.get(response["Location"])
