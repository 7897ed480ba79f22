from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.api.worked_example import documents, documents_write


class Command(BaseCommand):
    help = (
        "Write the worked example of docs/api.md and docs/signing.md and "
        "examples/openssl_sign.answers.json from the code (--check: only report a difference)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="exit 1 if a file differs")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            stale = [
                str(path)
                for path, content in documents().items()
                if not path.exists() or path.read_text(encoding="utf-8") != content
            ]
            if stale:
                raise CommandError("out of date: " + ", ".join(stale))
            self.stdout.write("worked example up to date")
            return
        for path in documents_write():
            self.stdout.write(f"wrote {path}")
