"""Adopt and publish every municipal preset for 千代田区 and every prefectural one for 東京都.

Idempotent: adopting returns the existing draft and publishing identical content returns the
existing version, so a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.forms import presets, selectors, services

DEMO_MUNICIPALITY = "131016"  # 千代田区
DEMO_PREFECTURE = "130001"  # 東京都


class Command(BaseCommand):
    help = "Publish the standard forms for the demo municipality and prefecture (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        total = 0
        for preset in presets.preset_all().values():
            code = DEMO_PREFECTURE if preset.level == "prefectural" else DEMO_MUNICIPALITY
            municipal_form = services.form_adopt_preset(
                municipality_code=code, procedure_code=preset.procedure_code, actor=None
            )
            if selectors.form_preset_update_available(municipal_form=municipal_form):
                # The demo follows the standard: a newer preset is rebased onto at once (a real
                # municipality is told and decides; see the staff UI).
                services.form_rebase(municipal_form=municipal_form, actor=None)
            before = municipal_form.versions.count()
            services.form_publish(municipal_form=municipal_form, actor=None)
            created += municipal_form.versions.count() - before
            total += 1
        self.stdout.write(f"forms: {total} published, {created} new versions")
