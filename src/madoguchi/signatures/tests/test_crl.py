"""CRLs: publication over HTTP, fetching, freshness, and the outcome cache."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from django.utils import timezone

from madoguchi.signatures import conf, services, verification
from madoguchi.signatures.crl import HttpCrlFetcher, crl_cache
from madoguchi.signatures.outcomes import Outcome
from madoguchi.signatures.testing import (
    authority,
    ca_certificate,
    sign_as,
    signing_issued,
)
from madoguchi.signatures.verification import signature_verify

pytestmark = pytest.mark.django_db


def test_crls_are_served_as_der_with_increasing_numbers(client, taro):
    response = client.get("/pki/crl/sign.crl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    ca = ca_certificate("sign")
    ca_key = ca.public_key()
    assert isinstance(ca_key, rsa.RSAPublicKey)
    assert crl.issuer == ca.subject and crl.is_signature_valid(ca_key)
    first = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    issued = signing_issued(taro)
    services.certificate_revoke(certificate=issued)
    crl = x509.load_der_x509_crl(client.get("/pki/crl/sign.crl").content)
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == first + 1
    revoked = crl.get_revoked_certificate_by_serial_number(int(issued.serial))
    assert revoked is not None
    assert client.get("/pki/crl/nope.crl").status_code == 404
    assert client.post("/pki/crl/sign.crl").status_code == 405


def test_ca_certificates_are_published(client, pki):
    der = client.get("/pki/ca/root.crt")
    assert der["Content-Type"] == "application/pkix-cert"
    pem = client.get("/pki/ca/root.pem").content
    assert x509.load_pem_x509_certificate(pem) == x509.load_der_x509_certificate(der.content)


def test_revoking_and_refreshing_the_crl_makes_the_next_verification_fail(taro, payload):
    cms_der = sign_as(taro, payload)
    assert signature_verify(payload=payload, cms_der=cms_der).ok
    assert signature_verify(payload=payload, cms_der=cms_der).cached  # warm: no path/CRL work

    issued = signing_issued(taro)
    services.certificate_revoke(certificate=issued, reason="affiliation_changed")

    result = signature_verify(payload=payload, cms_der=cms_der)
    assert result.outcome == Outcome.REVOKED
    assert result.crl_number == 2 and not result.cached


def test_another_process_sees_a_revocation_once_its_crl_max_age_passes(taro, payload):
    cms_der = sign_as(taro, payload)
    assert signature_verify(payload=payload, cms_der=cms_der).ok
    issued = signing_issued(taro)
    cached_sign_crl = crl_cache._entries[services.crl_url("sign")]
    services.certificate_revoke(certificate=issued)
    # Simulate another process: its cache still holds the old CRL...
    crl_cache._entries[cached_sign_crl.url] = cached_sign_crl
    assert signature_verify(payload=payload, cms_der=cms_der).ok
    # ...until max-age, when it asks again and finds the revocation.
    later = timezone.now() + conf.crl_max_age() + datetime.timedelta(seconds=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("madoguchi.signatures.verification.timezone.now", lambda: later)
        assert signature_verify(payload=payload, cms_der=cms_der).outcome == Outcome.REVOKED


def test_warm_cache_does_not_repeat_path_validation(taro, payload, monkeypatch):
    cms_der = sign_as(taro, payload)
    assert signature_verify(payload=payload, cms_der=cms_der).ok
    fetches = crl_cache.fetches

    def fail(**kwargs):
        raise AssertionError("path validation repeated on a warm cache")

    monkeypatch.setattr(verification, "_pyhanko_validate", fail)
    for _ in range(3):
        result = signature_verify(payload=payload, cms_der=cms_der)
        assert result.ok and result.cached
    assert crl_cache.fetches == fetches
    # The cheap checks still run on a warm cache.
    assert (
        signature_verify(payload=payload + b"x", cms_der=cms_der).outcome
        == Outcome.PAYLOAD_MISMATCH
    )


def test_a_new_crl_number_invalidates_the_cached_outcome(taro, payload):
    cms_der = sign_as(taro, payload)
    assert signature_verify(payload=payload, cms_der=cms_der).ok
    services.crl_publish(authority=authority("sign"))
    crl_cache.invalidate()
    result = signature_verify(payload=payload, cms_der=cms_der)
    assert result.ok and not result.cached and result.crl_number == 2


@pytest.mark.django_db(transaction=True)
def test_crls_are_fetched_over_http_from_the_distribution_point(live_server, demo, payload):
    services.pki_setup_demo()
    from madoguchi.signatures.testing import demo_resident

    taro = demo_resident("yoshida-taro")
    requested: list[str] = []

    def to_live_server(url: str) -> str:
        requested.append(url)
        return url.replace(conf.pki_base_url(), f"{live_server.url}/pki/")

    crl_cache.set_fetcher(HttpCrlFetcher(rewrite=to_live_server))
    cms_der = sign_as(taro, payload)
    assert signature_verify(payload=payload, cms_der=cms_der).ok
    assert sorted(requested) == [services.crl_url("root"), services.crl_url("sign")]

    issued = signing_issued(taro)
    services.certificate_revoke(certificate=issued)
    assert signature_verify(payload=payload, cms_der=cms_der).outcome == Outcome.REVOKED


@override_settings(SIGNATURES_CRL_FETCHER="http")
def test_an_unreachable_distribution_point_over_http_is_crl_unavailable(taro, payload):
    crl_cache.set_fetcher(
        HttpCrlFetcher(rewrite=lambda url: "http://127.0.0.1:9/pki/crl/x.crl", timeout=1)
    )
    result = signature_verify(payload=payload, cms_der=sign_as(taro, payload))
    assert result.outcome == Outcome.CRL_UNAVAILABLE
