from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "madoguchi.signatures"
    label = "signatures"
    verbose_name = _("Signatures")

    def ready(self) -> None:
        from madoguchi.signatures.cards import VirtualCardSigner
        from madoguchi.signatures.crl import fetcher_register
        from madoguchi.signatures.services import PlatformCrlFetcher
        from madoguchi.signatures.signers import signer_register

        signer_register(VirtualCardSigner.name, VirtualCardSigner)
        fetcher_register("platform", PlatformCrlFetcher)
