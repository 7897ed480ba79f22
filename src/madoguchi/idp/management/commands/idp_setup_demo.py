from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.idp import conf, services


class Command(BaseCommand):
    help = (
        "Register the platform's own OpenID Connect client at the development IdP "
        "(idempotent; silent when nothing changed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="An extra redirect URI (repeatable); IDP_EXTRA_REDIRECT_URIS adds more.",
        )
        parser.add_argument(
            "--unlock", action="store_true", help="Reset the demo residents' wrong-PIN counters."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.idp_enabled():
            raise CommandError(
                "The development IdP is off (MADOGUCHI_ENV is not development and IDP_ENABLED "
                "is not set): it would let anyone sign in as a demo resident."
            )
        redirect_uris = [
            *conf.platform_redirect_uris(),
            *conf.extra_redirect_uris(),
            *options["redirect_uri"],
        ]
        result = services.idp_client_register(
            client_id=conf.platform_client_id(),
            client_secret=conf.platform_client_secret(),
            redirect_uris=redirect_uris,
        )
        if result.created:
            self.stdout.write(
                f"idp: registered client {result.client_id!r} for {' '.join(redirect_uris)}"
            )
        elif result.changed:
            uris = f" ({' '.join(redirect_uris)})" if "redirect_uris" in result.changed else ""
            self.stdout.write(
                f"idp: updated client {result.client_id!r}: {', '.join(result.changed)}{uris}"
            )
        elif options["verbosity"] >= 2:
            self.stdout.write(f"idp: client {result.client_id!r} is up to date")
        if options["unlock"]:
            unlocked = services.demo_identity_unlock_all()
            self.stdout.write(f"idp: reset the PIN counter of {unlocked} demo resident(s)")
