"""Cost of furigana on a やさしい日本語 page (core.furigana): the easy-Japanese form page of the
disaster certificate, rendered once, then passed through furigana_html cold (empty cache, as
after a restart) and warm (every text run seen before, the normal case).

    .venv/bin/python bench/furigana.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")


def main() -> None:
    import django

    django.setup()
    from django.template.loader import render_to_string
    from django.utils import translation

    from madoguchi.core import furigana
    from madoguchi.forms.presets import preset_get
    from madoguchi.forms.rendering import render_items
    from madoguchi.forms.translations import definition_localise

    preset = preset_get("disaster-certificate")
    assert preset is not None
    with translation.override("ja-x-easy"):
        definition = definition_localise(preset.definition)
        body = "".join(
            render_items(definition=definition, page=page, raw={}) for page in definition["pages"]
        )
        html = render_to_string("base.html", {}).replace("<main", f"<main>{body}</main><x", 1)
    furigana._tagger()  # loading the dictionary is start-up cost, measured apart
    cold, warm = [], []
    for _ in range(20):
        furigana.furigana_text.cache_clear()
        started = time.perf_counter()
        furigana.furigana_html(html)
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        furigana.furigana_html(html)
        warm.append((time.perf_counter() - started) * 1000)
    print(f"page: {len(html):,} characters, all 8 pages of the form on one page")
    print(f"cold: median {statistics.median(cold):.1f} ms, max {max(cold):.1f} ms")
    print(f"warm: median {statistics.median(warm):.1f} ms, max {max(warm):.1f} ms")


if __name__ == "__main__":
    main()
