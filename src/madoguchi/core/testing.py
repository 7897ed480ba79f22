"""Helpers for the browser tests: accessibility checks with axe-core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, the level JIS X 8341-3:2016 AA corresponds to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# WCAG 2.2 AA adds, among others, 2.5.8 target size (minimum): 24 × 24 CSS px.
AXE_TAGS_22 = [*AXE_TAGS, "wcag22aa"]


def axe_violations(page: Any, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core in the page (through the DevTools protocol, so the page's CSP, which forbids
    inline script, is not weakened for the test) and return the WCAG 2.1 A/AA violations (or
    those of `tags`, e.g. AXE_TAGS_22)."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags or AXE_TAGS
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def format_violations(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in violations
        ],
        ensure_ascii=False,
        indent=1,
    )


def rendered_fonts(page: Any, selector: str) -> dict[tuple[str, bool], int]:
    """{(font family, is a web font): glyph count} of the fonts Chromium actually drew the text
    of the first node matching `selector` with (DevTools protocol; the computed style only says
    which fonts were asked for). The bundled Noto Sans JP names itself "Noto Sans JP Thin"."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {(font["familyName"], font["isCustomFont"]): font["glyphCount"] for font in fonts}


def drawn_in_noto_sans_jp(fonts: dict[tuple[str, bool], int]) -> bool:
    """Every glyph came from the bundled web font, none from a system fallback."""
    return bool(fonts) and all(name.startswith("Noto Sans JP") and web for name, web in fonts)
