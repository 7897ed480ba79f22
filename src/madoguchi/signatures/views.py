"""Publication of the development PKI over HTTP: CA certificates and DER CRLs (RFC 5280 §4.2.1.13
distribution points point here), and — in development only — the demo residents' card keys so
example clients can sign with `openssl cms -sign`."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from madoguchi.signatures import selectors, services
from madoguchi.signatures.models import CertificateKind


@require_GET
def crl(request: HttpRequest, slug: str) -> HttpResponse:
    der = services.crl_current_der(slug=slug)
    if der is None:
        raise Http404
    response = HttpResponse(der, content_type="application/pkix-crl")
    # Verifiers cache by nextUpdate themselves; intermediaries should not keep an old list.
    response["Cache-Control"] = "no-cache"
    response["Content-Disposition"] = f'inline; filename="{slug}.crl"'
    return response


@require_GET
def ca_certificate(request: HttpRequest, slug: str, encoding: str) -> HttpResponse:
    authority = selectors.authority_get(slug=slug)
    if authority is None:
        raise Http404
    certificate = selectors.authority_certificate(authority=authority)
    if encoding == "pem":
        return HttpResponse(
            certificate.public_bytes(Encoding.PEM), content_type="application/x-pem-file"
        )
    return HttpResponse(
        certificate.public_bytes(Encoding.DER), content_type="application/pkix-cert"
    )


@require_GET
def demo_card_pem(request: HttpRequest, demo_key: str) -> HttpResponse:
    """A demo resident's 署名用 certificate, private key and issuing CA as PEM — development only,
    synthetic residents only. Never served outside MADOGUCHI_ENV=development/test."""
    if not settings.IS_DEVELOPMENT:
        raise Http404
    from madoguchi.accounts.services import demo_resident_subject

    resident = next(
        (r for r in services.demo_residents() if r.subject == demo_resident_subject(demo_key)),
        None,
    )
    card = selectors.card_get(resident=resident) if resident else None
    issued = selectors.card_certificate(card=card, kind=CertificateKind.SIGNING) if card else None
    if issued is None:
        raise Http404
    key = services.card_signing_key(issued=issued)
    certificate = x509.load_der_x509_certificate(bytes(issued.certificate_der))
    chain = selectors.authority_certificate(authority=issued.authority)
    body = (
        certificate.public_bytes(Encoding.PEM)
        + key.private_bytes(
            Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        + chain.public_bytes(Encoding.PEM)
    )
    response = HttpResponse(body, content_type="application/x-pem-file")
    response["Cache-Control"] = "no-store"
    return response
