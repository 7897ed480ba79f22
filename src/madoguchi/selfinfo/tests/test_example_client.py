"""examples/self_info.py --auto against a live server: consent (through the development IdP),
token, fetch, the resident ends the link in My page, the next fetch is refused."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from madoguchi.idp import testing
from madoguchi.linkage.models import ExchangeRecord
from madoguchi.linkage.services import linkage_demo_load
from madoguchi.selfinfo.models import Consent
from madoguchi.selfinfo.services import service_register

ROOT = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.django_db(transaction=True)


def load_example():
    spec = importlib.util.spec_from_file_location("self_info", ROOT / "examples" / "self_info.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_consents_fetches_and_is_refused_after_revocation(
    live_server, pki, settings, capsys
):
    example = load_example()
    linkage_demo_load()
    testing.register_client(redirect_uris=[f"{live_server.url}/signin/callback/"])
    settings.OIDC_ISSUER = f"{live_server.url}/idp/o"
    settings.OIDC_CLIENT_ID = testing.TEST_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = testing.TEST_CLIENT_SECRET
    service = service_register(
        name="サンプル家計簿",
        operator="サンプル株式会社",
        purpose="家計簿に記入するため",
        redirect_uris=[example.REDIRECT_URI],
        categories=["tax"],
    )
    code = example.main(
        [
            live_server.url,
            "--auto",
            "--client-id",
            service.client_id,
            "--client-secret",
            service.client_secret,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "tax.income" in out and "after revocation: HTTP 401" in out
    assert Consent.objects.get().revoked_at is not None
    assert ExchangeRecord.objects.filter(initiated_by="service:サンプル家計簿").count() == 2
