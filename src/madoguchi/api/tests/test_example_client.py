"""examples/apply.py against a live server: the flow a portal developer runs first."""

import importlib.util
from pathlib import Path

import pytest
from django.core.management import call_command

from madoguchi.api.services import api_demo_key
from madoguchi.applications.testing import arrival_worker
from madoguchi.signatures.testing import demo_resident, export_pem

ROOT = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.django_db(transaction=True)


def load_example():
    spec = importlib.util.spec_from_file_location("apply_example", ROOT / "examples" / "apply.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_client_prints_a_receipt_number(
    live_server, pki, catalog, tmp_path, monkeypatch, capsys
):
    call_command("forms_publish_demo")
    export_pem(tmp_path, resident=demo_resident("yoshida-taro"))
    monkeypatch.setenv("MADOGUCHI_API_KEY", api_demo_key())
    with arrival_worker():
        code = load_example().main([live_server.url, "--card-dir", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    receipt = out.out.strip().splitlines()[-1]
    assert receipt.startswith("receipt number: ") and len(receipt.split(": ")[1]) == 11


def test_example_client_waits_for_the_webhook(
    live_server, pki, catalog, tmp_path, monkeypatch, capsys
):
    """--webhook-port: the example registers its own receiver, which checks the signature and
    the timestamp window of the delivery before taking the event (a real HTTP POST from the
    worker's delivery task to the example's server)."""
    from madoguchi.api.models import PortalDeliveryStatus, PortalWebhookDelivery

    call_command("forms_publish_demo")
    export_pem(tmp_path, resident=demo_resident("yoshida-taro"))
    monkeypatch.setenv("MADOGUCHI_API_KEY", api_demo_key())
    with arrival_worker():
        code = load_example().main(
            [live_server.url, "--card-dir", str(tmp_path), "--webhook-port", "0"]
        )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "webhook: arrival.received for " in out.out
    assert out.out.strip().splitlines()[-1].startswith("receipt number: ")
    delivery = PortalWebhookDelivery.objects.get()
    assert delivery.status == PortalDeliveryStatus.DELIVERED and delivery.last_status_code == 204
