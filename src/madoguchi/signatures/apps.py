from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "madoguchi.signatures"
    label = "signatures"
    verbose_name = _("Signatures")

    def ready(self) -> None:
        from madoguchi.signatures.asn1_setup import prepare_all
        from madoguchi.signatures.cards import VirtualCardSigner
        from madoguchi.signatures.crl import fetcher_register
        from madoguchi.signatures.services import PlatformCrlFetcher
        from madoguchi.signatures.signers import signer_register

        signer_register(VirtualCardSigner.name, VirtualCardSigner)
        fetcher_register("platform", PlatformCrlFetcher)
        # asn1crypto's lazy class set-up is not thread-safe: do it now, in one thread
        # (asn1_setup.py; pyhanko's classes are prepared before its first validation).
        prepare_all()
